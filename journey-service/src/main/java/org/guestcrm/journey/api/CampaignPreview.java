package org.guestcrm.journey.api;

import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Who of a campaign's segment would receive it now, and who would not with the reason (guest ids, no addresses). */
@Schema(name = "CampaignPreview")
public record CampaignPreview(UUID campaignId, int wouldReceive, int wouldNotReceive, List<Guest> guests) {

    public record Guest(String guestId, boolean receives, String reason) {
    }
}
