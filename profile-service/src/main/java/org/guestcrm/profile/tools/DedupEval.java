package org.guestcrm.profile.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.guestcrm.profile.domain.matching.ClusterScorer;
import org.guestcrm.profile.domain.matching.EmailEvidence;
import org.guestcrm.profile.domain.matching.LinkageEvaluation;
import org.guestcrm.profile.domain.matching.MatchModel;
import org.guestcrm.profile.domain.matching.ParameterEstimation;
import org.guestcrm.profile.domain.matching.PersonRecord;

/**
 * Scores person files with ground truth: links the records one at a time with the matcher the intake uses (same
 * blocking, model and thresholds) and prints pairwise precision, recall, F1, blocking recall and candidates per record.
 *
 * <pre>
 * java -cp profile-service/target/classes org.guestcrm.profile.tools.DedupEval [--document-column NAME] [--fitted] FILE...
 * </pre>
 *
 * A file is a CSV with a header row (fields trimmed, so FEBRL's ", " works). Columns are found by name: id
 * ({@code unique_id}, {@code rec_id}, {@code id}), given name ({@code first_name}, {@code given_name}), surname
 * ({@code surname}, {@code last_name}), birth date ({@code dob}, {@code date_of_birth}, any of yyyy-mm-dd or yyyymmdd),
 * city ({@code city}, {@code suburb}), {@code postcode}, street ({@code street_number} + {@code address_1}, or
 * {@code street}), {@code email}, {@code phone} (E.164 as given). The truth is the {@code cluster} column, else the N of
 * FEBRL's {@code rec-N-org} / {@code rec-N-dup-k} ids. {@code --document-column} names a column read as the identity
 * document number (FEBRL's {@code soc_sec_id}). {@code --fitted} also links with m/u fitted to the file itself
 * ({@link ParameterEstimation}: u from random pairs, m by expectation-maximisation) and prints both.
 * Exit status 2 for a bad argument or a file without id or truth.
 */
public final class DedupEval {

    private static final Pattern FEBRL_ID = Pattern.compile("rec-(\\d+)-(org|dup-\\d+)");

    private DedupEval() {
    }

    public static void main(String[] args) throws IOException {
        String documentColumn = null;
        boolean fitted = false;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--document-column" -> {
                    if (i + 1 >= args.length) {
                        usage("--document-column needs a column name");
                        return;
                    }
                    documentColumn = args[++i];
                }
                case "--fitted" -> fitted = true;
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            usage("no file given");
            return;
        }
        EmailEvidence emails = EmailEvidence.standard();
        for (Path file : files) {
            List<LinkageEvaluation.Labelled> data;
            try (InputStream in = Files.newInputStream(file)) {
                data = read(in, documentColumn, emails);
            } catch (IllegalArgumentException e) {
                System.err.println(file + ": " + e.getMessage());
                System.exit(2);
                return;
            }
            String name = file.getFileName().toString() + (documentColumn == null ? "" : " with " + documentColumn);
            LinkageEvaluation.Quality standard = LinkageEvaluation.measure(name, data);
            System.out.println("model " + MatchModel.VERSION + " (fixed m/u):   " + standard);
            if (fitted) {
                ParameterEstimation.Fit fit = ParameterEstimation.fitWithDetails(
                        data.stream().map(LinkageEvaluation.Labelled::record).toList(), ParameterEstimation.Settings.STANDARD);
                LinkageEvaluation.Quality q = LinkageEvaluation.measure(name, data, fit.model(),
                        ClusterScorer.Thresholds.STANDARD);
                System.out.println("model " + fit.model().version() + " (fitted m/u): " + q);
                System.out.printf(Locale.ROOT, "  fitted on %d random pairs (u) and %d training pairs (m, EM: %d iterations,"
                        + " converged %s, match share per rule %s)%n", fit.randomPairs(), fit.trainingPairs(),
                        fit.iterations(), fit.converged(), shares(fit.matchShareByRule()));
                fit.model().levels().forEach((level, l) -> System.out.printf(Locale.ROOT,
                        "    %-62s m %.4f  u %.6f  weight %+.1f%n", level, l.m(), l.u(), l.weight()));
            }
        }
    }

    private static String shares(Map<String, Double> byRule) {
        StringBuilder out = new StringBuilder();
        byRule.forEach((rule, share) -> out.append(out.isEmpty() ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.3f", rule, share)));
        return out.toString();
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: DedupEval [--document-column NAME] [--fitted] FILE...");
        System.exit(2);
    }

    /** Reads a CSV with ground truth (see the class comment). */
    public static List<LinkageEvaluation.Labelled> read(InputStream in, String documentColumn, EmailEvidence emails)
            throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        if (header == null) {
            throw new IllegalArgumentException("the file is empty (a header row is needed)");
        }
        Map<String, Integer> columns = new HashMap<>();
        List<String> names = split(header);
        for (int i = 0; i < names.size(); i++) {
            columns.put(names.get(i).toLowerCase(Locale.ROOT), i);
        }
        Integer id = first(columns, "unique_id", "rec_id", "id");
        if (id == null) {
            throw new IllegalArgumentException("no id column (unique_id, rec_id or id)");
        }
        Integer cluster = columns.get("cluster");
        Integer document = null;
        if (documentColumn != null) {
            document = columns.get(documentColumn.toLowerCase(Locale.ROOT));
            if (document == null) {
                throw new IllegalArgumentException("no column " + documentColumn);
            }
        }
        Integer given = first(columns, "first_name", "given_name");
        Integer surname = first(columns, "surname", "last_name");
        Integer dob = first(columns, "dob", "date_of_birth", "birth_date");
        Integer city = first(columns, "city", "suburb");
        Integer postcode = columns.get("postcode");
        Integer streetNumber = columns.get("street_number");
        Integer street = first(columns, "address_1", "street");
        Integer email = columns.get("email");
        Integer phone = columns.get("phone");
        List<LinkageEvaluation.Labelled> out = new ArrayList<>();
        String line;
        int row = 1;
        while ((line = reader.readLine()) != null) {
            row++;
            if (line.isBlank()) {
                continue;
            }
            List<String> f = split(line);
            String recordId = field(f, id);
            if (recordId == null) {
                throw new IllegalArgumentException("row " + row + " has no id");
            }
            String truth = cluster != null ? field(f, cluster) : febrlTruth(recordId);
            if (truth == null) {
                throw new IllegalArgumentException("row " + row + " has no truth (no cluster column value, and the id is"
                        + " not of the form rec-N-org / rec-N-dup-k)");
            }
            String streetLine = join(field(f, streetNumber), field(f, street));
            out.add(new LinkageEvaluation.Labelled(PersonRecord.of(recordId, field(f, given), field(f, surname),
                    field(f, dob), field(f, postcode), field(f, city), streetLine, field(f, email), field(f, document),
                    field(f, phone), null, emails), truth));
        }
        return out;
    }

    private static String join(String number, String street) {
        if (number == null) {
            return street;
        }
        return street == null ? number : number + " " + street;
    }

    private static String febrlTruth(String id) {
        Matcher m = FEBRL_ID.matcher(id);
        return m.matches() ? m.group(1) : null;
    }

    private static Integer first(Map<String, Integer> columns, String... names) {
        for (String n : names) {
            if (columns.containsKey(n)) {
                return columns.get(n);
            }
        }
        return null;
    }

    private static String field(List<String> fields, Integer index) {
        if (index == null || index >= fields.size()) {
            return null;
        }
        String v = fields.get(index).trim();
        return v.isEmpty() ? null : v;
    }

    /** One CSV line: commas separate, double quotes quote (a doubled quote is one). */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    current.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        out.add(current.toString().trim());
        return out;
    }
}
