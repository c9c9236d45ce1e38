package org.guestcrm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scans what the test suite logged (every module's surefire/failsafe output files and the end-to-end stack's process
 * logs in the {@code logs} folder of {@code target/e2e-stack-...}; Kafka's segment files there are data, not logs)
 * for guests' personal data: e-mail addresses and E.164 phone numbers of the kind the tests use, and the fixtures' family names. {@code ./crm test} runs it after the suite; a finding fails the run,
 * naming the file and line number (not the value itself beyond the matched token).
 */
public final class PersonalDataLogScan {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w+])\\+\\d{10,15}\\b");
    private static final Pattern UUID_LOCAL_PART = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\\.[0-9]+)?");
    /** System addresses that are not a guest's: the mail sender, Maven and framework noise. */
    private static final Set<String> ALLOWED_DOMAINS = Set.of("guest-crm.test", "guestcrm.local", "example.invalid");
    /** Family names of the test fixtures (GuestProfiles, the OTA samples, the dedup data). */
    private static final List<String> FIXTURE_NAMES = List.of("Dewberry", "Muster");

    /** One place where personal data was logged. */
    public record Finding(Path file, int line, String kind) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + kind;
        }
    }

    private PersonalDataLogScan() {
    }

    public static List<Finding> scan(Path root) {
        List<Finding> findings = new ArrayList<>();
        for (Path file : logFiles(root)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String kind = personalDataIn(lines.get(i));
                if (kind != null) {
                    findings.add(new Finding(root.relativize(file), i + 1, kind));
                }
            }
        }
        return findings;
    }

    /** The kind of personal data on the line ({@code e-mail address}, {@code phone number}, {@code name}), or null. */
    static String personalDataIn(String line) {
        Matcher email = EMAIL.matcher(line);
        while (email.find()) {
            String address = email.group();
            String local = address.substring(0, address.indexOf('@'));
            String domain = address.substring(address.indexOf('@') + 1).toLowerCase();
            if (!ALLOWED_DOMAINS.contains(domain) && !UUID_LOCAL_PART.matcher(local).matches()
                    && !line.contains("<" + address + ">") /* a Message-ID */) {
                return "e-mail address";
            }
        }
        if (PHONE.matcher(line).find()) {
            return "phone number";
        }
        for (String name : FIXTURE_NAMES) {
            if (line.contains(name)) {
                return "name";
            }
        }
        return null;
    }

    static List<Path> logFiles(Path root) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path target : modules.map(m -> m.resolve("target")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> walk = Files.walk(target, 6)) {
                    walk.filter(Files::isRegularFile).filter(PersonalDataLogScan::isLog).forEach(files::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static boolean isLog(Path file) {
        String name = file.getFileName().toString();
        String parent = file.getParent().getFileName().toString();
        return ((parent.equals("surefire-reports") || parent.equals("failsafe-reports")) && name.endsWith("-output.txt"))
                || (name.endsWith(".log") && parent.equals("logs") && file.toString().contains("e2e-stack-"));
    }

    public static void main(String[] args) {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        List<Path> files = logFiles(root);
        List<Finding> findings = scan(root);
        System.out.printf("Personal data scan: %d log file(s) of the test suite, %d finding(s).%n", files.size(),
                findings.size());
        findings.stream().limit(50).forEach(finding -> System.out.println("  " + finding));
        if (!findings.isEmpty()) {
            System.exit(1);
        }
    }
}
