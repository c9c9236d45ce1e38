package org.guestcrm.connector.messaging;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChanged;
import org.jboss.logging.Logger;

/**
 * One Avro encoding of a history record gives both its binary datum (what goes on the wire after the serde's header)
 * and its content hash ({@link PmsEventMapper#contentSha256}: the SHA-256 of the neutral copy's single-object
 * encoding). The neutral copy differs from the record only in a few top-level fields (envelope, version fields, a map
 * put in key order), so its encoding is the record's own datum with those fields' bytes swapped: the writer notes
 * where each top-level field's bytes start and end, and the digest reads the datum's bytes between them and the
 * neutral values' bytes (constants, or the map encoded again in key order when it was not in key order already).
 *
 * <p>The hash must stay exactly {@link PmsEventMapper#contentSha256} (held hashes in {@code aggregate_version} compare
 * with it): the first record of each type is hashed both ways and compared; a difference (a schema this code does not
 * know) logs once and leaves every record of that type to {@link PmsEventMapper#contentSha256}, as before.
 * History import profile 2026-12-04: the second encoding for the hash was the largest single item of the import's CPU.
 */
final class HistoryRecordEncoding {

    private static final Logger LOG = Logger.getLogger(HistoryRecordEncoding.class);

    /** The record's datum ({@code bytes[0..length)}, valid until the thread's next call) and its content hash. */
    record Encoded(byte[] bytes, int length, String contentSha256) {
        byte[] datum() {
            return Arrays.copyOf(bytes, length);
        }
    }

    private HistoryRecordEncoding() {
    }

    /** Per record type: checked against {@link PmsEventMapper#contentSha256} (true), or found to differ (false). */
    private static final ConcurrentMap<Class<?>, Boolean> CHECKED = new ConcurrentHashMap<>();

    private static final ThreadLocal<Map<Class<?>, FieldTrackingWriter>> WRITERS = ThreadLocal.withInitial(HashMap::new);

    /** Whether {@code record}'s type is one this class hashes (the two history record types). */
    static boolean handles(SpecificRecord record) {
        return record instanceof ReservationChanged || record instanceof GuestProfileChanged;
    }

    /** The record's datum and content hash from one encoding (see the class). */
    static Encoded encode(SpecificRecord record) {
        FieldTrackingWriter writer = WRITERS.get().computeIfAbsent(record.getClass(), FieldTrackingWriter::new);
        writer.write(record);
        Boolean checked = CHECKED.get(record.getClass());
        if (checked == Boolean.FALSE) {
            return new Encoded(writer.out.buf, writer.out.size, slowHash(record));
        }
        String hash = writer.contentSha256(record);
        if (checked == null) {
            String expected = slowHash(record);
            boolean same = expected.equals(hash);
            if (CHECKED.putIfAbsent(record.getClass(), same) == null && !same) {
                LOG.infof("The one-encoding content hash of %s differs from the neutral copy's; every record of that"
                        + " type is hashed with a second encoding.", record.getClass().getSimpleName());
            }
            hash = expected;
        }
        return new Encoded(writer.out.buf, writer.out.size, hash);
    }

    private static String slowHash(SpecificRecord record) {
        return record instanceof ReservationChanged r ? PmsEventMapper.contentSha256(r)
                : PmsEventMapper.contentSha256((GuestProfileChanged) record);
    }

    /** What a top-level field becomes in the neutral copy. */
    private sealed interface Neutral {
        /** A fixed value (the neutral envelope, null). */
        record Constant(Object value) implements Neutral {
        }

        /** The same map in key order. */
        record SortedMap() implements Neutral {
        }
    }

    /** The neutral fields of each type, as {@link PmsEventMapper#contentSha256} sets them. */
    private static Map<String, Neutral> neutralFields(Class<?> type) {
        Map<String, Neutral> fields = new HashMap<>();
        fields.put("metadata", new Neutral.Constant(PmsEventMapper.neutralMetadata()));
        fields.put("pmsSequence", new Neutral.Constant(null));
        if (type == ReservationChanged.class) {
            fields.put("pmsModifiedAt", new Neutral.Constant(null));
            fields.put("cancelledAt", new Neutral.Constant(null));
            fields.put("externalReferences", new Neutral.SortedMap());
        } else if (type == GuestProfileChanged.class) {
            fields.put("pmsUpdatedAt", new Neutral.Constant(null));
            fields.put("preferences", new Neutral.SortedMap());
        } else {
            throw new IllegalArgumentException(type.getName());
        }
        return fields;
    }

    /** A growable byte sink without locks, read in place. */
    private static final class Bytes extends OutputStream {
        byte[] buf = new byte[2048];
        int size;

        @Override
        public void write(int b) {
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (size + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
            }
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }
    }

    /**
     * The class's own writer (its model's logical types, as {@code toByteBuffer} and the serde use) noting where each
     * top-level field's bytes lie; one per thread and type.
     */
    private static final class FieldTrackingWriter extends SpecificDatumWriter<SpecificRecord> {
        final Bytes out = new Bytes();
        final int[] start;
        final int[] end;
        /** Per top-level field: its neutral form, or null when the field is content. */
        final Neutral[] neutral;
        /** Per neutral constant field: the constant's bytes. */
        final byte[][] constantBytes;
        final byte[] singleObjectHeader;
        final MessageDigest digest;
        final Schema schema;
        final SpecificData model;
        private final BinaryEncoder encoder;
        private Object top;

        @SuppressWarnings("unchecked")
        FieldTrackingWriter(Class<?> type) {
            super((Class<SpecificRecord>) type);
            this.model = SpecificData.getForClass(type);
            this.schema = model.getSchema(type);
            int fields = schema.getFields().size();
            start = new int[fields];
            end = new int[fields];
            neutral = new Neutral[fields];
            constantBytes = new byte[fields][];
            Map<String, Neutral> wanted = neutralFields(type);
            for (Map.Entry<String, Neutral> field : wanted.entrySet()) {
                Schema.Field f = schema.getField(field.getKey());
                if (f == null) {
                    throw new IllegalStateException(type.getSimpleName() + " has no field " + field.getKey());
                }
                neutral[f.pos()] = field.getValue();
                if (field.getValue() instanceof Neutral.Constant constant) {
                    constantBytes[f.pos()] = fieldBytes(f, constant.value());
                }
            }
            singleObjectHeader = header(schema);
            encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The Avro single-object header ({@code toByteBuffer}'s): C3 01 and the schema's CRC-64-AVRO fingerprint. */
        private static byte[] header(Schema schema) {
            byte[] fingerprint;
            try {
                fingerprint = org.apache.avro.SchemaNormalization.parsingFingerprint("CRC-64-AVRO", schema);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            byte[] header = new byte[2 + fingerprint.length];
            header[0] = (byte) 0xC3;
            header[1] = 0x01;
            System.arraycopy(fingerprint, 0, header, 2, fingerprint.length);
            return header;
        }

        /** The bytes of {@code value} written as field {@code f} (in a scratch buffer). */
        private byte[] fieldBytes(Schema.Field f, Object value) {
            Bytes scratch = new Bytes();
            BinaryEncoder scratchEncoder = EncoderFactory.get().directBinaryEncoder(scratch, null);
            try {
                new SpecificDatumWriter<>(f.schema(), model).write(value, scratchEncoder);
                scratchEncoder.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Arrays.copyOf(scratch.buf, scratch.size);
        }

        void write(SpecificRecord record) {
            out.size = 0;
            top = record;
            try {
                write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new IllegalStateException("a record could not be encoded", e);
            } catch (RuntimeException e) {
                throw new org.guestcrm.platform.intake.PoisonRecordException(record.getSchema().getName()
                        + " cannot be written in its schema (" + e.getClass().getSimpleName() + ")", e);
            } finally {
                top = null;
            }
        }

        @Override
        protected void writeField(Object datum, Schema.Field f, Encoder encoder, Object state) throws IOException {
            if (datum != top) {
                super.writeField(datum, f, encoder, state);
                return;
            }
            start[f.pos()] = out.size;
            super.writeField(datum, f, encoder, state);
            end[f.pos()] = out.size;
        }

        /** The hash of the neutral copy's single-object encoding, from the datum just written. */
        String contentSha256(SpecificRecord record) {
            digest.reset();
            digest.update(singleObjectHeader);
            for (int i = 0; i < neutral.length; i++) {
                Neutral n = neutral[i];
                if (n == null) {
                    digest.update(out.buf, start[i], end[i] - start[i]);
                } else if (n instanceof Neutral.Constant) {
                    digest.update(constantBytes[i]);
                } else {
                    Object map = record.get(i);
                    if (map == null || inKeyOrder((Map<?, ?>) map)) {
                        digest.update(out.buf, start[i], end[i] - start[i]);
                    } else {
                        digest.update(fieldBytes(schema.getFields().get(i), new TreeMap<>((Map<?, ?>) map)));
                    }
                }
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        }

        /** Whether the map iterates in its keys' natural order (a TreeMap of it would write the same bytes). */
        @SuppressWarnings({"unchecked", "rawtypes"})
        private static boolean inKeyOrder(Map<?, ?> map) {
            if (map.size() < 2) {
                return true;
            }
            Iterator<?> keys = map.keySet().iterator();
            Comparable previous = (Comparable) keys.next();
            while (keys.hasNext()) {
                Comparable key = (Comparable) keys.next();
                if (previous.compareTo(key) >= 0) {
                    return false;
                }
                previous = key;
            }
            return true;
        }
    }

    /** For tests: forget which types were checked. */
    static void forgetChecks() {
        CHECKED.clear();
    }

    static Optional<Boolean> checked(Class<?> type) {
        return Optional.ofNullable(CHECKED.get(type));
    }
}
