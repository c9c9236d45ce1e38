package org.guestcrm.connector.api;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;

import org.guestcrm.connector.api.ExportFileResource.ExportView;
import org.guestcrm.connector.domain.ExportMapping;
import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.messaging.ExportDiff;
import org.guestcrm.connector.persistence.ExportStore;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.platform.api.InvalidRequestException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads and applies one daily export of a feed through its mapping: the upload ({@link ExportFileResource}) and the
 * watched directory ({@link ExportDropWatcher}) both hand their file here (no security of its own: the callers decide).
 */
@ApplicationScoped
public class ExportApplier {

    @Inject
    ExportStore store;
    @Inject
    ExportDiff diff;
    @Inject
    CanonicalJsonReader jsonReader;
    @Inject
    Validator validator;
    @Inject
    ObjectMapper json;
    @Inject
    InboundMetrics metrics;

    /** Reads and applies one export of a feed (also used by the watched directory). */
    public ExportView apply(FeedEntity feed, byte[] content, Instant exportedAt) throws IOException {
        ExportMapping mapping = mappingOf(feed.feedId);
        List<ExportRows.Row> rows;
        try {
            rows = ExportRows.read(content, mapping);
        } catch (IOException | com.fasterxml.jackson.databind.RuntimeJsonMappingException e) {
            throw unreadable();
        } catch (RuntimeException e) {
            // Jackson's MappingIterator wraps a parse error of a later line (an unterminated quote, bytes that are not
            // UTF-8) in a RuntimeException around the IOException
            if (e.getCause() instanceof IOException) {
                throw unreadable();
            }
            throw e;
        }
        List<ExportDiff.ExportRow> accepted = new ArrayList<>();
        List<ExportStore.Rejection> rejections = new ArrayList<>();
        List<FieldWarning> dropped = new ArrayList<>();
        for (ExportRows.Row row : rows) {
            CanonicalReservation dto;
            try {
                dto = jsonReader.convert(row.reservation(), CanonicalReservation.class);
            } catch (JsonProcessingException e) {
                Problem.FieldError error = CanonicalReservationResource.jsonError(e);
                rejections.add(new ExportStore.Rejection(row.line(), error.field(), error.message()));
                continue;
            }
            CanonicalItems.Checked checked = CanonicalItems.check(dto, validator);
            if (!checked.accepted()) {
                Problem.FieldError first = checked.problems().getFirst();
                rejections.add(new ExportStore.Rejection(row.line(), first.field(), first.message()));
                continue;
            }
            dropped.addAll(checked.warnings());
            accepted.add(new ExportDiff.ExportRow(row.line(), checked.reservation()));
        }
        if (!dropped.isEmpty()) {
            metrics.fieldsDropped(feed.feedId, dropped);
        }
        LocalDate windowStart = exportedAt.atOffset(ZoneOffset.UTC).toLocalDate();
        ExportDiff.Outcome outcome = diff.apply(feed.tenantId, feed.feedId, feed.defaultCurrency, Tokens.sha256Hex(content),
                exportedAt, windowStart, rows.size(), accepted, rejections, json.writeValueAsString(rejections));
        return view(outcome.export(), outcome.duplicate(), outcome.unsettled());
    }

    private static InvalidRequestException unreadable() {
        return new InvalidRequestException("The export is not readable CSV with a header line.",
                List.of(new org.guestcrm.platform.api.Problem.InvalidParam("body", "is not CSV with a header line")));
    }

    ExportView view(ExportStore.ExportRecord r, boolean duplicate, long unsettled) throws JsonProcessingException {
        List<ExportStore.Rejection> rejections = List.of(json.readValue(r.rejectionsJson(), ExportStore.Rejection[].class));
        return new ExportView(r.exportId(), duplicate, r.exportedAt(), r.windowStart(), r.rowsRead(), r.rowsAccepted(),
                r.rowsRejected(), r.rowsUnchanged(), r.eventsEmitted(), r.missingFromExport(), r.settled(), unsettled,
                rejections.size() > 100 ? rejections.subList(0, 100) : rejections);
    }

    ExportMapping mappingOf(String feedId) {
        return store.mapping(feedId).map(text -> {
            try {
                ExportFileResource.MappingView view = json.readValue(text, ExportFileResource.MappingView.class);
                return new ExportMapping(view.columns(), view.delimiter().charAt(0), view.windowDays(), view.datePattern(),
                        view.statusValues(), view.constants());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the export mapping of feed " + feedId + " is unreadable", e);
            }
        }).orElseGet(ExportMapping::defaults);
    }
}
