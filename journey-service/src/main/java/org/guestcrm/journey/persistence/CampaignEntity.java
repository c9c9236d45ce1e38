package org.guestcrm.journey.persistence;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A campaign to a segment of a tenant's guests (V14). */
@Entity
@Table(name = "campaign")
public class CampaignEntity extends PanacheEntityBase {

    public static final String DRAFT = "DRAFT";
    public static final String LAUNCHED = "LAUNCHED";
    /** A recurring campaign whose runs wait until it is resumed (its pending messages were cancelled). */
    public static final String PAUSED = "PAUSED";
    /** Ended for good: no run, no launch, no message after it (its pending messages were cancelled). */
    public static final String ENDED = "ENDED";

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String channel;

    /** The segment's hotel codes, comma-separated (a code never holds a comma: the API checks it). */
    @Column(name = "hotel_codes", nullable = false)
    public String hotelCodes;

    /** {@code now} or an ISO-8601 instant. */
    @Column(nullable = false)
    public String schedule;

    /** When its messages are due: the instant of the schedule; null for "now" (due when launched). */
    @Column(name = "due_at")
    public Instant dueAt;

    @Column(nullable = false)
    public String status;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "launched_at")
    public Instant launchedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** {@code weekly}, {@code monthly} or {@code quarterly} for a recurring campaign (V22); null: it runs once. */
    @Column(name = "recurrence")
    public String recurrence;

    /** Runs planned so far (a recurring campaign's run number; 1 after its launch). */
    @Column(name = "runs", nullable = false)
    public int runs;

    /** When a recurring campaign runs next (its segment selected again then); null when it does not recur. */
    @Column(name = "next_run_at")
    public Instant nextRunAt;

    /** The template it is mailed from (V27), or null: its inline content, else the tenant's default template. */
    @Column(name = "template_name")
    public String templateName;

    /** Its own inline Qute subject (V27); null when it has no inline content. */
    @Column(name = "content_subject")
    public String contentSubject;

    @Column(name = "content_text")
    public String contentText;

    /** Its own inline HTML; null: the text's paragraphs in the built-in layout. */
    @Column(name = "content_html")
    public String contentHtml;

    /** The language the inline content is written in (Content-Language), may be null. */
    @Column(name = "content_language")
    public String contentLanguage;

    public boolean hasInlineContent() {
        return contentSubject != null && contentText != null;
    }

    public List<String> hotelCodeList() {
        return Arrays.stream(hotelCodes.split(",")).filter(code -> !code.isBlank()).toList();
    }
}
