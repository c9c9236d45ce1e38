package org.guestcrm.journey.bounce;

import java.util.Map;

import org.guestcrm.testsupport.MailServer;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The application with {@code journey.bounces.imap.*} pointing at the test GreenMail's IMAP (plain, the bounce
 * mailbox's own login) and the reader polling every second: the scheduled path ({@code pollConfigured}), not a test
 * handing the mailbox to {@link BounceMailboxReader#poll}. A profile of its own: only this application reads the box.
 */
public class ScheduledBounceReaderProfile implements QuarkusTestProfile {

    static final String BOX = "bounces@bounces.guestcrm.test";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "journey.bounces.imap.host", "localhost",
                "journey.bounces.imap.port", String.valueOf(MailServer.shared().imapPort()),
                "journey.bounces.imap.ssl", "false",
                "journey.bounces.imap.username", BOX,
                "journey.bounces.imap.password", BOX,
                "journey.bounces.every", "1s");
    }
}
