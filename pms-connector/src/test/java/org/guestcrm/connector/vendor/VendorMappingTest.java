package org.guestcrm.connector.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import org.guestcrm.connector.api.CanonicalReservation;
import org.guestcrm.connector.domain.ReservationChangeType;
import org.guestcrm.connector.domain.ReservationStatus;
import org.guestcrm.simulator.PmsSimulator;
import org.guestcrm.simulator.SimulatedCustomer;
import org.guestcrm.simulator.SimulatedReservation;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The vendors' webhook bodies and entities to what the connector fetches and emits (plain JUnit). */
class VendorMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void apaleoWebhooksNameTheReservationOrAreIgnoredOrNameTheUnusableField() throws Exception {
        WebhookNotices.Read read = WebhookNotices.apaleo(JSON.readTree("""
                {"topic": "Reservation", "type": "set-to-no-show", "id": "ec5a1fe4", "accountId": "HFTF",
                 "propertyId": "HFTF-AADS", "data": {"entityId": "XPGMSXGF-1"}, "timestamp": 1530741026}"""));
        assertEquals(List.of(new WebhookNotice(WebhookNotice.EntityType.RESERVATION, "XPGMSXGF-1", "set-to-no-show",
                "HFTF-AADS")), read.notices());
        assertEquals(1, WebhookNotices.apaleo(JSON.readTree("""
                {"topic": "system", "type": "healthcheck", "accountId": "SDXE", "propertyIds": ["MUC"]}""")).ignored());
        assertEquals(List.of("data.entityId"), fields(WebhookNotices.apaleo(JSON.readTree("""
                {"topic": "Reservation", "type": "created", "data": {"entityId": ""}}"""))));
        assertEquals(List.of("topic", "type"), fields(WebhookNotices.apaleo(JSON.readTree("{\"topic\": 3}"))));
        assertEquals(List.of("body"), fields(WebhookNotices.apaleo(JSON.readTree("[]"))));
    }

    @Test
    void mewsWebhooksNameReservationsAndCustomersAndEveryUnusableEvent() throws Exception {
        WebhookNotices.Read read = WebhookNotices.mews(JSON.readTree("""
                {"EnterpriseId": "ent-1", "IntegrationId": "int-1", "Events": [
                  {"Discriminator": "ServiceOrderUpdated", "Value": {"Id": "r-1"}},
                  {"Discriminator": "CustomerAdded", "Value": {"Id": "c-1"}},
                  {"Discriminator": "CustomerUpdated", "Value": {"Id": "c-1"}},
                  {"Discriminator": "ResourceUpdated", "Value": {"Id": "x"}}]}"""));
        assertEquals(3, read.notices().size());
        assertEquals(1, read.ignored());
        assertEquals(WebhookNotice.EntityType.CUSTOMER, read.notices().get(1).entityType());
        assertEquals("ent-1", read.notices().getFirst().propertyId());
        assertEquals(List.of("Events[0].Discriminator", "Events[1].Value", "Events[2]"), fields(WebhookNotices.mews(
                JSON.readTree("""
                        {"Events": [{"Value": {"Id": "r"}}, {"Discriminator": "CustomerAdded"}, 5]}"""))));
        assertEquals(List.of("Events"), fields(WebhookNotices.mews(JSON.readTree("{\"Events\": {}}"))));
    }

    @Test
    void anApaleoReservationAsTheSimulatorServesItMapsToTheCanonicalForm() throws Exception {
        try (PmsSimulator simulator = PmsSimulator.start()) {
            simulator.putCustomer(SimulatedCustomer.of("G", "Ada", "Lovelace", "ada@example.org")
                    .withAddress("Unter den Linden 1", "Berlin", "10117", "DE").withContact(null, "de", "DE"));
            simulator.putReservation(SimulatedReservation.confirmed("ABC-1", "BER", "G", LocalDate.of(2027, 3, 1),
                    LocalDate.of(2027, 3, 4)).withGuests(2, 1));
            ApaleoMapping.Mapped created = ApaleoMapping.reservation(simulator.apaleoView("ABC-1"), "BER");
            assertEquals(List.of(), created.problems());
            CanonicalReservation r = created.reservation();
            assertEquals("BER", r.hotelCode());
            assertEquals(ReservationStatus.CONFIRMED, r.status());
            assertEquals(ReservationChangeType.CREATED, r.changeType());
            assertEquals(LocalDate.of(2027, 3, 1), r.arrival());
            assertEquals(LocalDate.of(2027, 3, 4), r.departure());
            assertEquals(2, r.adults());
            assertEquals(1, r.children());
            assertEquals("EUR", r.totalAmount().currency());
            assertEquals("ABC-1-G1", r.guests().getFirst().pmsProfileId());
            assertEquals(List.of("ada@example.org"), r.guests().getFirst().emails());
            assertEquals("DE", r.guests().getFirst().addresses().getFirst().countryCode());

            simulator.putReservation(simulator.reservation("ABC-1").orElseThrow().withState(SimulatedReservation.State.NO_SHOW));
            CanonicalReservation noShow = ApaleoMapping.reservation(simulator.apaleoView("ABC-1"), "BER").reservation();
            assertEquals(ReservationStatus.NO_SHOW, noShow.status());
            assertNull(noShow.changeType(), "follows the status (NO_SHOW) in the canonical mapper");
            assertTrue(noShow.cancelledAt() != null);
        }
    }

    @Test
    void anUnreadableApaleoFieldIsNamedNeverEchoed() throws Exception {
        ApaleoMapping.Mapped mapped = ApaleoMapping.reservation(JSON.readTree("""
                {"id": "X-1", "status": "Sleeping", "arrival": "tomorrow", "departure": "2027-01-02T11:00:00+01:00",
                 "property": {"code": "BER"}, "adults": -2}"""), null);
        assertEquals(3, mapped.problems().size(), mapped.problems().toString());
        assertTrue(mapped.problems().stream().noneMatch(p -> p.contains("tomorrow") || p.contains("Sleeping")));
    }

    @Test
    void mewsCanceledWithReasonNoShowIsTheNoShowAndStaysAreDatesInTheHotelZone() throws Exception {
        JsonNode reservation = JSON.readTree("""
                {"Id": "r-1", "State": "Canceled", "CancellationReason": "NoShow", "CreatedUtc": "2027-01-01T10:00:00Z",
                 "UpdatedUtc": "2027-05-02T08:00:00Z", "CancelledUtc": "2027-05-02T08:00:00Z",
                 "StartUtc": "2027-04-30T22:30:00Z", "EndUtc": "2027-05-03T09:00:00Z", "CustomerId": "c-1",
                 "AdultCount": 2, "ChildCount": 0, "Number": "4711"}""");
        assertEquals("c-1", MewsMapping.customerId(reservation));
        MewsMapping.MappedReservation mapped = MewsMapping.reservation(reservation, null, "BER", ZoneId.of("Europe/Berlin"));
        assertEquals(List.of(), mapped.problems());
        assertEquals(ReservationStatus.NO_SHOW, mapped.reservation().status());
        assertEquals(LocalDate.of(2027, 5, 1), mapped.reservation().arrival(), "22:30Z is 00:30 in Berlin");
        assertNull(mapped.reservation().cancellationReason());
        assertEquals("4711", mapped.reservation().externalReferences().get("mews:Number"));
        MewsMapping.MappedReservation cancelled = MewsMapping.reservation(JSON.readTree("""
                {"Id": "r-2", "State": "Canceled", "CancellationReason": "BookedElsewhere",
                 "ScheduledStartUtc": "2027-04-30T13:00:00Z", "ScheduledEndUtc": "2027-05-01T09:00:00Z",
                 "AccountId": "c-2", "PersonCounts": [{"AgeCategoryId": "a", "Count": 3}]}"""), null, "BER", ZoneId.of("UTC"));
        assertEquals(ReservationStatus.CANCELLED, cancelled.reservation().status());
        assertEquals("BookedElsewhere", cancelled.reservation().cancellationReason());
        assertEquals(3, cancelled.reservation().adults());
        assertEquals("c-2", MewsMapping.customerId(JSON.readTree("{\"AccountId\": \"c-2\"}")));
    }

    @Test
    void aMewsCustomerIsAGuestProfileWithItsMarketingOption() throws Exception {
        MewsMapping.MappedCustomer customer = MewsMapping.customer(JSON.readTree("""
                {"Id": "c-1", "FirstName": "Grace", "LastName": "Hopper", "Email": "grace@example.org",
                 "LanguageCode": "en-US", "NationalityCode": "US", "BirthDate": "1906-12-09",
                 "UpdatedUtc": "2027-01-01T10:00:00Z", "Address": {"Line1": "1 Navy Way", "City": "Arlington",
                 "CountryCode": "US"}, "Options": ["SendMarketingEmails"]}"""));
        assertEquals("c-1", customer.guest().pmsProfileId());
        assertEquals(Boolean.TRUE, customer.guest().emailOptIn());
        assertEquals("1906-12-09", customer.guest().birthDate());
        assertEquals(List.of("1 Navy Way"), customer.guest().addresses().getFirst().lines());
        assertEquals(Boolean.FALSE, MewsMapping.customer(JSON.readTree("{\"Id\": \"c\", \"Options\": []}")).guest().emailOptIn());
        assertNull(MewsMapping.customer(JSON.readTree("{\"Id\": \"c\"}")).guest().emailOptIn());
    }

    private static List<String> fields(WebhookNotices.Read read) {
        return read.problems().stream().map(WebhookNotices.Problem::field).toList();
    }
}
