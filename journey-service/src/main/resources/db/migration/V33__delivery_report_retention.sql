-- bounce.DeliveryReportRetention deletes reports received longer ago than journey.retention.delivery-reports.
CREATE INDEX delivery_report_received_at ON delivery_report (received_at);
