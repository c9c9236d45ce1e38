package org.guestcrm.journey.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A campaign as the API shows it, with its messages (of every run) counted by status and (skipped, cancelled) by reason;
 * a recurring one with its recurrence, the runs planned so far and when the next one comes.
 */
@Schema(name = "Campaign")
public record CampaignView(UUID id, String tenant, String name, String channel, Segment segment, String schedule,
                           String status, Instant createdAt, Instant launchedAt, String recurrence, int runs,
                           Instant nextRunAt, Map<String, Long> counts, Map<String, Long> reasons,
                           String template, Content content) {

    /** A campaign's own inline templates (Qute): subject, text, HTML (null: the text in the layout), language. */
    public record Content(String subject, String text, String html, String language) {
    }

    /** Who a campaign is for: guests who stayed at one of the hotels. */
    public record Segment(List<String> hotelCodes) {
    }
}
