package org.guestcrm.schemas;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.SurveyAnswered;
import org.guestcrm.events.TaskChanged;

/**
 * Every Kafka topic of the CRM, with the Avro records it carries. The single source of truth
 * for topic names: services, the local stack and the schema registration use it.
 *
 * <p>Each record is registered in the schema registry under its full name (group = Avro
 * namespace, artifact = record name), so a topic may carry more than one record type
 * (crm.guest-merges carries GuestMerged and GuestSplit).
 */
public enum Topic {
    PMS_RESERVATIONS("pms.reservations", "tenant:hotelCode:pmsReservationId", false, ReservationChanged.class),
    PMS_PROFILES("pms.profiles", "tenant:pmsSystem:pmsProfileId", false, GuestProfileChanged.class),
    CRM_GUESTS("crm.guests", "guestId", true, GuestUpdated.class),
    CRM_GUEST_MERGES("crm.guest-merges", "guestId", false, GuestMerged.class, GuestSplit.class),
    CRM_CONSENTS("crm.consents", "tenant:channel:purpose:contactPoint (lower-case e-mail or E.164 phone)", true, ConsentChanged.class),
    CRM_CONTACT_UPDATES("crm.contact-updates", "tenant:pmsSystem:pmsProfileId", false, ContactDetailsUpdated.class),
    CRM_COMMUNICATIONS("crm.communications", "guestId", false, CommunicationEvent.class),
    /** Staff tasks of the desk-service (call-backs, quote follow-ups, late documents): opened, assigned, overdue, done. */
    CRM_TASKS("crm.tasks", "taskId", false, TaskChanged.class),
    /**
     * Confirmed erasure requests (from the preference centre or staff): every service deletes what it holds of the
     * person. Not compacted, so a request is never dropped before every group has read it; it carries pseudonyms only.
     */
    CRM_ERASURES("crm.erasures", "tenant:subjectRef (guestId, else the first ContactPointRef)", false, ErasureRequested.class),
    /**
     * Guests' answers to post-stay surveys (journey-service's survey page): the desk's satisfaction figures and
     * service-recovery tasks. Not compacted (a revision replaces an answer by responseId, not by key alone).
     */
    CRM_SURVEY_RESPONSES("crm.survey-responses", "communicationId", false, SurveyAnswered.class);

    /** Suffix of the dead-letter topic of every topic: same key, the failed record, reason headers. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private final String topicName;
    private final String keyDescription;
    private final boolean compacted;
    private final List<Class<? extends SpecificRecord>> recordTypes;

    @SafeVarargs
    Topic(String topicName, String keyDescription, boolean compacted, Class<? extends SpecificRecord>... recordTypes) {
        this.topicName = topicName;
        this.keyDescription = keyDescription;
        this.compacted = compacted;
        this.recordTypes = List.of(recordTypes);
    }

    public String topicName() {
        return topicName;
    }

    public String deadLetterTopicName() {
        return topicName + DEAD_LETTER_SUFFIX;
    }

    public String keyDescription() {
        return keyDescription;
    }

    /** Compacted topics keep the latest record per key forever (snapshots of state). */
    public boolean compacted() {
        return compacted;
    }

    public List<Class<? extends SpecificRecord>> recordTypes() {
        return recordTypes;
    }

    public List<Schema> schemas() {
        return recordTypes.stream().map(Topic::schemaOf).toList();
    }

    public static Optional<Topic> byName(String topicName) {
        return Arrays.stream(values()).filter(t -> t.topicName.equals(topicName)).findFirst();
    }

    /** Every event schema of the CRM, once each. */
    public static List<Schema> allSchemas() {
        return Arrays.stream(values()).flatMap(t -> t.schemas().stream()).distinct().toList();
    }

    static Schema schemaOf(Class<? extends SpecificRecord> type) {
        try {
            return (Schema) type.getField("SCHEMA$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Generated Avro class without SCHEMA$: " + type.getName(), e);
        }
    }
}
