-- SMS (issue 9): the lead guest's mobile number in E.164 (service-platform ContactPointNormaliser.e164 with the hotel's
-- country), only when valid; a step configured for SMS goes as a text message when it is there. Personal data: never
-- logged.
alter table reservation add column guest_phone varchar(20);
