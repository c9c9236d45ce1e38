package org.guestcrm.desk.api;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.domain.TaskOutcome;
import org.guestcrm.desk.domain.TaskStatus;
import org.guestcrm.desk.messaging.Cause;
import org.guestcrm.desk.messaging.LeadDesk;
import org.guestcrm.desk.messaging.TaskLedger;
import org.guestcrm.desk.persistence.LeadEntity;
import org.guestcrm.desk.persistence.TaskEntity;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import io.quarkus.panache.common.Parameters;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/tasks")
@Tag(name = "Tasks", description = "Call-backs, quote follow-ups and late documents; every change is a TaskChanged on crm.tasks")
public class TaskResource {

    /** The token claim naming the caller's team(s), when the identity provider sends one. */
    static final String TEAM_CLAIM = "team";

    @Inject
    TenantAccess access;
    @Inject
    JsonWebToken token;
    @Inject
    TaskLedger ledger;
    @Inject
    LeadDesk leads;
    @Inject
    DeskClock clock;

    @GET
    @RolesAllowed(Roles.AGENT)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List tasks",
            description = "view=open (default: open and overdue), mine (assigned to the caller), team (of the team "
                    + "parameter, else the token's team claim), overdue, all; narrowed by hotel and reservation. "
                    + "Ordered by due time.")
    @APIResponse(responseCode = "200", description = "The tasks, soonest due first")
    @APIResponse(responseCode = "400", description = "Invalid parameters, named")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public List<Dtos.TaskView> list(
            @Parameter(required = true) @QueryParam("tenant") String tenant,
            @Parameter(description = "open | mine | team | overdue | all") @QueryParam("view") String view,
            @QueryParam("team") String team,
            @QueryParam("hotel") String hotel,
            @Parameter(description = "PMS reservation id") @QueryParam("reservation") String reservation,
            @QueryParam("limit") Integer limit) {
        TenantParam.require(access, tenant);
        Checks checks = new Checks().text(team, "team", 100).text(hotel, "hotel", 100)
                .text(reservation, "reservation", 200);
        String chosen = view == null ? "open" : view.toLowerCase(Locale.ROOT);
        checks.require(List.of("open", "mine", "team", "overdue", "all").contains(chosen), "view",
                "one of open, mine, team, overdue, all");
        int max = limit == null ? 200 : limit;
        checks.require(max >= 1 && max <= 1000, "limit", "between 1 and 1000");
        String teamWanted = team;
        if ("team".equals(chosen) && teamWanted == null) {
            Object claim = token.getClaim(TEAM_CLAIM);
            teamWanted = claim == null ? null : claim.toString().replace("\"", "");
            checks.require(teamWanted != null && !teamWanted.isBlank(), "team",
                    "is required for view=team when the token names no team");
        }
        checks.orRefuse();

        StringBuilder query = new StringBuilder("tenant = :tenant");
        Parameters parameters = Parameters.with("tenant", tenant);
        List<TaskStatus> pending = List.of(TaskStatus.OPEN, TaskStatus.OVERDUE);
        switch (chosen) {
            case "open" -> query.append(" and status in :pending");
            case "mine" -> {
                query.append(" and status in :pending and assignee = :me");
                parameters.and("me", access.actor());
            }
            case "team" -> query.append(" and status in :pending");
            case "overdue" -> query.append(" and status = :overdue");
            default -> {
            }
        }
        if (!chosen.equals("all") && !chosen.equals("overdue")) {
            parameters.and("pending", pending);
        }
        if (chosen.equals("overdue")) {
            parameters.and("overdue", TaskStatus.OVERDUE);
        }
        if (teamWanted != null) {
            query.append(" and team = :team");
            parameters.and("team", teamWanted);
        }
        if (hotel != null) {
            query.append(" and hotelCode = :hotel");
            parameters.and("hotel", hotel);
        }
        if (reservation != null) {
            query.append(" and pmsReservationId = :reservation");
            parameters.and("reservation", reservation);
        }
        query.append(" order by dueAt, id");
        return TaskEntity.<TaskEntity>find(query.toString(), parameters).page(0, max).list().stream()
                .map(DeskViews::of).toList();
    }

    @GET
    @Path("{taskId}")
    @RolesAllowed(Roles.AGENT)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One task")
    @APIResponse(responseCode = "200", description = "The task")
    @APIResponse(responseCode = "404", description = "No such task, or another tenant's (answered alike)")
    public Dtos.TaskView get(@PathParam("taskId") String taskId) {
        return DeskViews.of(find(taskId, false));
    }

    @POST
    @Path("{taskId}/assignment")
    @RolesAllowed(Roles.AGENT)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Assign a task", description = "To a person (assignee; \"me\" = the caller) and/or a team.")
    @APIResponse(responseCode = "200", description = "The task as assigned")
    @APIResponse(responseCode = "400", description = "Invalid fields, named")
    @APIResponse(responseCode = "404", description = "No such task, or another tenant's")
    @APIResponse(responseCode = "409", description = "The task is done or cancelled")
    public Dtos.TaskView assign(@PathParam("taskId") String taskId, Dtos.AssignRequest body) {
        find(taskId, false);
        Checks checks = new Checks();
        checks.require(body != null, "body", "is required").orRefuse();
        checks.text(body.assignee(), "assignee", 200).text(body.team(), "team", 100);
        checks.require(!blank(body.assignee()) || !blank(body.team()), "assignee", "an assignee or a team is required");
        checks.orRefuse();
        TaskEntity task = lockTask(taskId);
        if (!task.status.pending()) {
            throw new DeskConflictException("The task is " + task.status + "; only an open task can be assigned.");
        }
        String assignee = blank(body.assignee()) ? task.assignee
                : "me".equals(body.assignee().trim()) ? access.actor() : body.assignee().trim();
        ledger.assign(task, assignee, blank(body.team()) ? null : body.team().trim(), access.actor(), clock.now(),
                Cause.request());
        return DeskViews.of(task);
    }

    @POST
    @Path("{taskId}/completion")
    @RolesAllowed(Roles.AGENT)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Complete a task with its outcome",
            description = "BOOKED (the lead is booked), LOST (a reason is required), NO_ANSWER (a call-back: the "
                    + "next call is opened by the hotel's rule, until its attempts are used up), DONE.")
    @APIResponse(responseCode = "200", description = "The task as done")
    @APIResponse(responseCode = "400", description = "Invalid fields, named")
    @APIResponse(responseCode = "404", description = "No such task, or another tenant's")
    @APIResponse(responseCode = "409", description = "The task is done or cancelled already")
    public Dtos.TaskView complete(@PathParam("taskId") String taskId, Dtos.CompleteRequest body) {
        TaskEntity seen = find(taskId, false);
        Checks checks = new Checks();
        checks.require(body != null, "body", "is required").orRefuse();
        TaskOutcome outcome = null;
        if (blank(body.outcome())) {
            checks.require(false, "outcome", "is required");
        } else {
            try {
                outcome = TaskOutcome.valueOf(body.outcome().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                checks.require(false, "outcome", "one of BOOKED, LOST, NO_ANSWER, DONE");
            }
        }
        checks.text(body.reason(), "reason", 200);
        if (outcome == TaskOutcome.LOST) {
            checks.require(!blank(body.reason()), "reason", "is required when the lead is lost");
        }
        if (outcome != null && outcome != TaskOutcome.DONE) {
            checks.require(seen.leadId != null, "outcome", "only DONE for a task without a lead");
        }
        checks.orRefuse();
        Instant now = clock.now();
        Cause cause = Cause.request();
        // Lock order: the lead first, then its task (the intake and the sweep take them in this order too).
        LeadEntity lead = seen.leadId == null ? null : leads.lockLead(seen.leadId);
        TaskEntity task = lockTask(taskId);
        if (!task.status.pending()) {
            throw new DeskConflictException("The task is " + task.status + " already.");
        }
        String reason = blank(body.reason()) ? null : body.reason().trim();
        ledger.complete(task, outcome, reason, access.actor(), now, cause);
        if (lead != null) {
            leads.taskCompleted(lead, task, outcome, reason, now, access.actor(), cause);
        }
        return DeskViews.of(task);
    }

    private TaskEntity find(String taskId, boolean lock) {
        UUID id;
        try {
            id = UUID.fromString(taskId);
        } catch (IllegalArgumentException e) {
            throw new DeskNotFoundException("Task");
        }
        TaskEntity task = lock ? TaskEntity.findById(id, LockModeType.PESSIMISTIC_WRITE) : TaskEntity.findById(id);
        if (task == null) {
            throw new DeskNotFoundException("Task");
        }
        access.require(task.tenant, () -> new DeskNotFoundException("Task"));
        return task;
    }

    private TaskEntity lockTask(String taskId) {
        TaskEntity task = find(taskId, true);
        TaskEntity.getEntityManager().refresh(task, LockModeType.PESSIMISTIC_WRITE);
        return task;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
