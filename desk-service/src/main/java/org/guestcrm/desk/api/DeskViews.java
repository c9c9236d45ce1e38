package org.guestcrm.desk.api;

import java.util.List;

import org.guestcrm.desk.persistence.LeadEntity;
import org.guestcrm.desk.persistence.QuoteEntity;
import org.guestcrm.desk.persistence.TaskEntity;

/** Entities to API views, in one place. */
final class DeskViews {

    private DeskViews() {
    }

    static Dtos.TaskView of(TaskEntity t) {
        return new Dtos.TaskView(t.id, t.tenant, t.hotelCode, t.kind.name(), t.status.name(), t.leadId, t.quoteId,
                t.pmsReservationId, t.guestId, t.assignee, t.team, t.dueAt, t.attempt,
                t.outcome == null ? null : t.outcome.name(), t.outcomeReason, t.subject, t.createdAt, t.updatedAt,
                t.doneAt, t.doneBy);
    }

    static Dtos.QuoteView of(QuoteEntity q) {
        return new Dtos.QuoteView(q.id, q.leadId, q.hotelCode, q.roomType, q.rooms, q.arrival, q.departure,
                new Dtos.Price(q.amount, q.currency), q.validUntil, q.status, q.createdAt, q.createdBy);
    }

    static Dtos.LeadView of(LeadEntity l, List<TaskEntity> tasks, List<QuoteEntity> quotes) {
        return new Dtos.LeadView(l.id, l.tenant, l.hotelCode, l.origin, l.status.name(), l.pmsSystem,
                l.pmsReservationId, l.pmsProfileId, l.guestId,
                new Dtos.GuestContact(l.guestName, l.guestEmail, l.guestPhone, l.language), l.arrival, l.departure,
                l.adults, l.children, l.rooms, l.roomType, l.message, l.channel, l.receivedAt, l.answeredAt,
                l.closedAt, l.outcomeReason, tasks.stream().map(DeskViews::of).toList(),
                quotes.stream().map(DeskViews::of).toList(), l.erasedAt);
    }
}
