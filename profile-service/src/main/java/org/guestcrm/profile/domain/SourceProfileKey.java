package org.guestcrm.profile.domain;

/** A guest profile in one PMS: the aggregate key of pms.profiles ({@code tenant:pmsSystem:pmsProfileId}). */
public record SourceProfileKey(String tenant, String pmsSystem, String pmsProfileId) {

    public SourceProfileKey {
        requireText(tenant, "tenant");
        requireText(pmsSystem, "pmsSystem");
        requireText(pmsProfileId, "pmsProfileId");
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("A source profile needs a " + name);
        }
    }

    /** The Kafka key of the profile's records. */
    @Override
    public String toString() {
        return tenant + ":" + pmsSystem + ":" + pmsProfileId;
    }
}
