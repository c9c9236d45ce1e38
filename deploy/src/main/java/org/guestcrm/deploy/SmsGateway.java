package org.guestcrm.deploy;

/**
 * How the journey-service of the local stack reaches its SMS gateway ({@link SmsCatcher}): an account id and sender
 * number of the stack's own, and a secret created once under {@code .crm/keys/} and handed to both through their
 * environments ({@link StackSecrets}).
 */
final class SmsGateway {

    static final String ACCOUNT_SID = "AClocalstack";
    static final String FROM = "+41445550100";
    private static final String TOKEN_FILE = "sms-gateway.token";

    private SmsGateway() {
    }

    static String authToken(StackConfig config) {
        return StackSecrets.hex(config, TOKEN_FILE, 24);
    }
}
