package org.guestcrm.connector.ota;

import java.util.Map;

/** OpenTravel code tables the mappings share. */
public final class OtaCodeTables {

    /** OTA PRT (profile type) code table. */
    public static final Map<String, String> PROFILE_TYPES = Map.of(
            "1", "GUEST",
            "2", "COMPANY",
            "3", "TRAVEL_AGENT",
            "4", "COMPANY",
            "5", "GROUP");

    /** OTA PTT (phone technology type) code table. */
    public static final Map<String, String> PHONE_TECH_TYPES = Map.of(
            "1", "VOICE",
            "3", "FAX",
            "5", "MOBILE");

    private OtaCodeTables() {
    }
}
