package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersonalDataLogScanTest {

    @TempDir
    Path root;

    @Test
    void findsGuestsEmailsPhonesAndFixtureNamesButNotSystemAddressesOrMessageIds() {
        assertEquals("e-mail address", PersonalDataLogScan.personalDataIn("sent to anna.muster@example.com"));
        assertEquals("phone number", PersonalDataLogScan.personalDataIn("phone +41791234567 normalised"));
        assertEquals("name", PersonalDataLogScan.personalDataIn("guest David Dewberry merged"));
        assertNull(PersonalDataLogScan.personalDataIn("from Guest CRM <noreply@guest-crm.test>"));
        assertNull(PersonalDataLogScan.personalDataIn(
                "Message-ID <0f8fad5b-d9cb-469f-a165-70867728950e@mail.example.com> re-sent"));
        assertNull(PersonalDataLogScan.personalDataIn("10:03:46.123 INFO event 0f8fad5b applied at offset +1234"));
    }

    @Test
    void scansTheSurefireOutputOfEveryModuleAndNamesFileAndLine() throws Exception {
        Path reports = Files.createDirectories(root.resolve("profile-service/target/surefire-reports"));
        Files.writeString(reports.resolve("org.example.SomeTest-output.txt"), "fine\nmatched anna@example.com\n");
        Files.writeString(reports.resolve("org.example.SomeTest.txt"), "anna@example.com in a report, not a log\n");
        Path stack = Files.createDirectories(root.resolve("deploy/target/e2e-stack-1/logs"));
        Files.writeString(stack.resolve("journey-service.log"), "mail for +41791234567\n");
        Path segment = Files.createDirectories(root.resolve("deploy/target/e2e-stack-1/data/kafka/crm.guests-0"));
        Files.writeString(segment.resolve("00000000000000000000.log"), "anna@example.com in Kafka's data\n");

        List<PersonalDataLogScan.Finding> findings = PersonalDataLogScan.scan(root);

        assertEquals(2, findings.size(), findings.toString());
        assertEquals(Path.of("profile-service/target/surefire-reports/org.example.SomeTest-output.txt"),
                findings.get(0).file().toString().startsWith("profile") ? findings.get(0).file() : findings.get(1).file());
        assertEquals(List.of(1, 2), findings.stream().map(PersonalDataLogScan.Finding::line).sorted().toList(),
                "the stack log's line 1 and the test output's line 2; Kafka's segment files are data, not logs");
    }
}
