package org.guestcrm.ops.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * The rows of a {@link MultiGauge} replaced by each reading without a gap: a row that stays keeps its meter and reads
 * its new value, new rows are added and rows no longer there removed (registering with overwrite would remove and
 * re-add every row, and a scrape in between would miss it).
 */
final class LiveRows {

    private final MultiGauge gauge;
    private final Map<Tags, double[]> values = new ConcurrentHashMap<>();

    LiveRows(MultiGauge gauge) {
        this.gauge = gauge;
    }

    synchronized void update(Map<Tags, Double> reading) {
        reading.forEach((tags, value) -> values.computeIfAbsent(tags, t -> new double[1])[0] = value);
        values.keySet().retainAll(reading.keySet());
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        values.forEach((tags, holder) -> rows.add(MultiGauge.Row.of(tags, holder, h -> h[0])));
        gauge.register(rows, false);
    }
}
