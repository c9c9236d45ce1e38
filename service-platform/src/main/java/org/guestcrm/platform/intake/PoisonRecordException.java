package org.guestcrm.platform.intake;

/**
 * A record that can never be applied (not decodable, invalid, breaking a rule of the consumer): it goes to the
 * topic's dead-letter topic with this message as its reason. The message names fields and ids, never a guest's
 * personal data: it is written to logs and to the dead-letter record's headers.
 */
public class PoisonRecordException extends RuntimeException {

    public PoisonRecordException(String reason) {
        super(reason);
    }

    public PoisonRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
