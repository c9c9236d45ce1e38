package org.guestcrm.testsupport;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.ProfileChangeType;
import org.guestcrm.schemas.Topic;

/** GuestProfileChanged records as a PMS feed (through the connector) would publish them, for the consumers' tests. */
public final class GuestProfiles {

    private GuestProfiles() {
    }

    /** Publishes the profile on pms.profiles with the connector's key (tenant:pmsSystem:pmsProfileId). */
    public static void send(GuestProfileChanged profile) {
        String key = profile.getMetadata().getTenantId() + ":" + profile.getPmsSystem() + ":" + profile.getPmsProfileId();
        KafkaTestClients.sendAvro(Topic.PMS_PROFILES.topicName(), key, profile);
    }

    /** A GuestProfileChanged as a PMS feed would send it. */
    public static GuestProfileChanged.Builder profile(String tenant, String pmsSystem, String pmsProfileId, Long pmsSequence) {
        return GuestProfileChanged.newBuilder()
                .setMetadata(EventMetadata.newBuilder()
                        .setEventId(UUID.randomUUID())
                        .setEventType("GuestProfileChanged")
                        .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                        .setSource("test-" + pmsSystem)
                        .setTenantId(tenant)
                        .setCorrelationId(UUID.randomUUID().toString())
                        .setCausationId(null)
                        .setSchemaVersion(1)
                        .build())
                .setChangeType(ProfileChangeType.UPSERTED)
                .setPmsSystem(pmsSystem)
                .setPmsProfileId(pmsProfileId)
                .setPmsSequence(pmsSequence)
                .setFirstName("Anna")
                .setLastName("Muster")
                .setLanguage("de")
                .setEmails(List.of())
                .setPhones(List.of())
                .setAddresses(List.of());
    }

    public static EmailAddress email(String address, boolean primary) {
        return EmailAddress.newBuilder().setAddress(address).setType("PERSONAL").setPrimary(primary).build();
    }

    public static PhoneNumber phone(String number) {
        return PhoneNumber.newBuilder().setNumber(number).setType("MOBILE").setPrimary(true).build();
    }
}
