package org.guestcrm.journey.api;

import java.util.UUID;

/** No campaign with this id, or one of a tenant the token does not admit (answered alike). */
public class CampaignNotFoundException extends RuntimeException {

    public CampaignNotFoundException(UUID id) {
        super("No campaign " + id);
    }
}
