package org.guestcrm.journey.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A campaign as the API shows it, with its messages counted by status and (skipped, cancelled) by reason. */
@Schema(name = "Campaign")
public record CampaignView(UUID id, String tenant, String name, String channel, Segment segment, String schedule,
                           String status, Instant createdAt, Instant launchedAt, Map<String, Long> counts,
                           Map<String, Long> reasons) {

    /** Who a campaign is for: guests who stayed at one of the hotels. */
    public record Segment(List<String> hotelCodes) {
    }
}
