package org.guestcrm.profile.it;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.testsupport.KafkaTestClients;

/** crm.guests as a reader of the compacted topic sees it: per guest id, what its last record says. */
final class GuestsTopic {

    private GuestsTopic() {
    }

    /** The last record of the key on crm.guests (raw: a tombstone has a null value), or null when there is none. */
    static ConsumerRecord<String, byte[]> last(String guestId) {
        List<ConsumerRecord<String, byte[]>> records = KafkaTestClients.readRaw("crm.guests").stream()
                .filter(r -> guestId.equals(r.key())).toList();
        return records.isEmpty() ? null : records.getLast();
    }

    /** Whether the key's last record on crm.guests is a tombstone: a null value, event type Tombstone. */
    static boolean endsWithTombstone(String guestId) {
        ConsumerRecord<String, byte[]> last = last(guestId);
        return last != null && last.value() == null && "Tombstone".equals(header(last, "event-type"));
    }

    /** The GuestUpdated records of the key on crm.guests, in order (tombstones left out). */
    static List<GuestUpdated> updates(String guestId) {
        return KafkaTestClients.<GuestUpdated>readAvro("crm.guests").stream()
                .filter(r -> guestId.equals(r.key()) && r.value() != null).map(ConsumerRecord::value).toList();
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
