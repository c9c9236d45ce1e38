package org.guestcrm.journey.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.guestcrm.platform.security.SignedLinks;
import org.junit.jupiter.api.Test;

/** What {@link MailTracking} does to a mail's HTML part, with a real key. */
class MailTrackingTest {

    private final SignedLinks links = new SignedLinks(Map.of("k1", "0123456789abcdef0123456789abcdef".getBytes()),
            "k1", Clock.systemUTC());
    private final MailTracking tracking = new MailTracking(links, "https://crm.example/api/v1/track/",
            Duration.ofDays(1), Optional.of("https://optout.example/unsubscribe"));
    private final UUID id = UUID.randomUUID();

    @Test
    void linksAreTrackedTheUnsubscribeLinkIsNotAndThePixelEndsTheBody() {
        String html = "<html><body><p>Offer: <a href=\"https://hotel.example/offer?a=1&amp;b=2\">here</a>.</p>"
                + "<p>Survey: https://hotel.example/survey/abc.</p>"
                + "<p><a href=\"https://optout.example/unsubscribe?t=x\">Unsubscribe</a></p></body></html>";
        String tracked = tracking.instrument(html, "t1", id);

        Matcher click = Pattern.compile("href=\"https://crm\\.example/api/v1/track/click/([^\"?]+)\\?url=([^\"]+)\"")
                .matcher(tracked);
        assertTrue(click.find(), tracked);
        String offer = URLDecoder.decode(click.group(2), StandardCharsets.UTF_8);
        assertEquals("https://hotel.example/offer?a=1&b=2", offer, "the link as the guest's client reads it");
        SignedLinks.Grant grant = links.verify(click.group(1), MailTracking.CLICK_SCOPE);
        assertEquals("t1", grant.tenant());
        assertEquals(MailTracking.clickSubject(id, offer), grant.subject());

        assertTrue(click.find(), "the bare survey URL became a tracked link: " + tracked);
        assertEquals("https://hotel.example/survey/abc", URLDecoder.decode(click.group(2), StandardCharsets.UTF_8),
                "the full stop after it is not part of it");
        assertTrue(tracked.contains(">https://hotel.example/survey/abc</a>."), "the URL is still what is shown");

        assertTrue(tracked.contains("href=\"https://optout.example/unsubscribe?t=x\""), "unsubscribe left alone");
        assertTrue(tracked.matches("(?s).*<img src=\"https://crm\\.example/api/v1/track/open/[^\"]+\"[^>]*></body></html>"),
                tracked);
        assertEquals(null, tracking.instrument(null, "t1", id));
    }
}
