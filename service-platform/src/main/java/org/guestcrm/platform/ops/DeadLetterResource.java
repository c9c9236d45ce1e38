package org.guestcrm.platform.ops;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Dead letters of this service, for {@code ops}: list them per topic with reason, origin and state; show one (value
 * masked unless the token also holds {@code admin}); replay one, a selection or every pending one to the topic it came
 * from after a fix; discard one with a note. Every call is audited like every staff action (AuditFilter), and
 * replays and discards are recorded on {@link DeadLetterActions#TOPIC}. A token admits the dead letters whose key
 * starts with one of its tenants ({@code tenant:...}); {@code "*"} admits all.
 */
@Path("/api/v1/ops/dead-letters")
@Tag(name = "Operations")
@Blocking
public class DeadLetterResource {

    private static final Logger LOG = Logger.getLogger(DeadLetterResource.class);

    @Inject
    DeadLetterOps ops;
    @Inject
    TenantAccess access;

    /** The dead-letter topics of this service and how many dead letters are visible in each (up to 1,000). */
    @GET
    @RolesAllowed(Roles.OPS)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "This service's dead-letter topics with the number of visible dead letters neither replayed nor discarded (of the first 1000)")
    public Map<String, Integer> topics() {
        return ops.topics().stream().collect(Collectors.toMap(t -> t, t -> ops.pending(t, 1000, prefixes())));
    }

    @GET
    @Path("/{topic}")
    @RolesAllowed(Roles.OPS)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dead letters of one topic, oldest first: reason, original topic/partition/offset, time")
    public List<DeadLetterOps.DeadLetter> list(@PathParam("topic") String topic, @QueryParam("limit") Integer limit,
            @QueryParam("state") String state) {
        requireOwnTopic(topic);
        int max = limit == null ? 100 : limit;
        if (max < 1 || max > 1000) {
            throw new InvalidRequestException("Invalid limit",
                    List.of(new Problem.InvalidParam("limit", "must be between 1 and 1000")));
        }
        DeadLetterActions.State wanted = state == null ? null : state(state);
        return ops.list(topic, max, prefixes()).stream().filter(l -> wanted == null || l.state() == wanted).toList();
    }

    @GET
    @Path("/{topic}/{partition}/{offset}")
    @RolesAllowed(Roles.OPS)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One dead letter in full: headers and decoded value, personal data masked unless the token also holds the admin role")
    public DeadLetterOps.Details show(@PathParam("topic") String topic, @PathParam("partition") int partition,
            @PathParam("offset") long offset) {
        requireOwnTopic(topic);
        var record = ops.find(topic, partition, offset, prefixes())
                .orElseThrow(() -> new NotFoundException("No such dead letter"));
        return ops.details(record, !access.roles().contains(Roles.ADMIN));
    }

    /** What to discard a dead letter with: why (required). */
    public record DiscardRequest(String note) {
    }

    @POST
    @Path("/{topic}/{partition}/{offset}/discard")
    @RolesAllowed(Roles.OPS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mark one dead letter as discarded, with a note saying why (it stays in its topic, marked)")
    public DeadLetterOps.DeadLetter discard(@PathParam("topic") String topic, @PathParam("partition") int partition,
            @PathParam("offset") long offset, DiscardRequest request) throws Exception {
        requireOwnTopic(topic);
        String note = note(request == null ? null : request.note(), true);
        var record = ops.find(topic, partition, offset, prefixes())
                .orElseThrow(() -> new NotFoundException("No such dead letter"));
        ops.discard(record, note, access.actor());
        LOG.infof("Dead letter %s-%d@%d discarded by %s.", topic, partition, offset, access.actor());
        return ops.describe(record);
    }

    /** A selection to replay: the letters named, or every pending one ({@code all}); an optional note. */
    public record ReplayRequest(List<Position> letters, Boolean all, String note) {
    }

    /** A dead letter's place in its topic. */
    public record Position(Integer partition, Long offset) {
    }

    /** What became of one letter of a selection: REPLAYED, NOT_FOUND, or SKIPPED (discarded). */
    public record ReplayOutcome(int partition, long offset, String outcome) {
    }

    @POST
    @Path("/{topic}/replay")
    @RolesAllowed(Roles.OPS)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replay a selection of dead letters (letters: [{partition, offset}]) or every pending one (all: true); discarded ones are skipped")
    public List<ReplayOutcome> replaySelection(@PathParam("topic") String topic, ReplayRequest request)
            throws Exception {
        requireOwnTopic(topic);
        boolean all = request != null && Boolean.TRUE.equals(request.all());
        List<Position> letters = request == null || request.letters() == null ? List.of() : request.letters();
        List<Problem.InvalidParam> problems = new java.util.ArrayList<>();
        if (all == !letters.isEmpty()) {
            problems.add(new Problem.InvalidParam(all ? "letters" : "all",
                    all ? "must be empty when all is true" : "give letters, or all: true"));
        }
        if (letters.size() > 1000) {
            problems.add(new Problem.InvalidParam("letters", "at most 1000 per request"));
        }
        for (int i = 0; i < letters.size(); i++) {
            Position p = letters.get(i);
            if (p == null || p.partition() == null || p.partition() < 0 || p.offset() == null || p.offset() < 0) {
                problems.add(new Problem.InvalidParam("letters[" + i + "]", "needs a partition and an offset, both 0 or more"));
            }
        }
        String note = problems.isEmpty() ? note(request.note(), false) : null;
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("Invalid replay request", problems);
        }
        List<Position> wanted = all
                ? ops.list(topic, 1000, prefixes()).stream().filter(l -> l.state() == DeadLetterActions.State.PENDING)
                        .map(l -> new Position(l.partition(), l.offset())).toList()
                : letters;
        List<ReplayOutcome> outcomes = new java.util.ArrayList<>();
        for (Position position : wanted) {
            var record = ops.find(topic, position.partition(), position.offset(), prefixes());
            if (record.isEmpty()) {
                outcomes.add(new ReplayOutcome(position.partition(), position.offset(), "NOT_FOUND"));
            } else if (ops.describe(record.get()).state() == DeadLetterActions.State.DISCARDED) {
                outcomes.add(new ReplayOutcome(position.partition(), position.offset(), "SKIPPED"));
            } else {
                ops.replay(record.get(), note, access.actor());
                outcomes.add(new ReplayOutcome(position.partition(), position.offset(), "REPLAYED"));
            }
        }
        LOG.infof("%d dead letter(s) of %s replayed by %s.",
                outcomes.stream().filter(o -> o.outcome().equals("REPLAYED")).count(), topic, access.actor());
        return outcomes;
    }

    private static DeadLetterActions.State state(String value) {
        try {
            return DeadLetterActions.State.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Invalid state",
                    List.of(new Problem.InvalidParam("state", "one of PENDING, REPLAYED, DISCARDED")));
        }
    }

    /** An operator's note: up to 500 characters, no control characters other than line breaks. */
    private static String note(String note, boolean required) {
        if (note == null || note.isBlank()) {
            if (required) {
                throw new InvalidRequestException("Invalid note",
                        List.of(new Problem.InvalidParam("note", "say why the dead letter is discarded")));
            }
            return null;
        }
        if (note.length() > 500 || note.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r')) {
            throw new InvalidRequestException("Invalid note",
                    List.of(new Problem.InvalidParam("note", "at most 500 characters, no control characters")));
        }
        return note.strip();
    }

    @POST
    @Path("/{topic}/{partition}/{offset}/replay")
    @RolesAllowed(Roles.OPS)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send one dead letter back to the topic it came from (idempotent consumers: one effect)")
    public DeadLetterOps.DeadLetter replay(@PathParam("topic") String topic, @PathParam("partition") int partition,
            @PathParam("offset") long offset) throws Exception {
        requireOwnTopic(topic);
        var record = ops.find(topic, partition, offset, prefixes())
                .orElseThrow(() -> new NotFoundException("No such dead letter"));
        String original = ops.replay(record, null, access.actor());
        LOG.infof("Dead letter %s-%d@%d replayed to %s by %s.", topic, partition, offset, original, access.actor());
        return ops.describe(record);
    }

    private void requireOwnTopic(String topic) {
        if (!ops.topics().contains(topic)) {
            throw new NotFoundException("No such dead-letter topic");
        }
    }

    private Set<String> prefixes() {
        return access.allTenants() ? null
                : access.tenants().stream().map(t -> t + ":").collect(Collectors.toSet());
    }
}
