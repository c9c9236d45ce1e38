package org.guestcrm.connector.ota.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.GuestPreferences;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The standing preferences of an OTA {@code Profile}: {@code PrefCollections/PrefCollection} and, inside it,
 * {@code CommonPref} and {@code HotelPref} (and *Pref elements placed directly in the PrefCollection). Each leaf *Pref
 * element becomes one entry:
 * <ul>
 * <li>key = a category named after the element ({@code RoomLocationPref} ROOM, {@code BedTypePref} BED,
 * {@code MealPref}/{@code FoodSrvcPref} DIET, {@code InterestPref} INTEREST, any other {@code XyzAbcPref} XYZ_ABC) and,
 * when the element carries one, its code ({@code RoomLocationCode}, {@code BedType}, {@code MealType}, ... : the first
 * attribute ending in Code or Type): {@code ROOM:5}, {@code DIET:VGML};</li>
 * <li>value = the element's text, else its {@code PreferLevel}, else "Preferred" (OpenTravel's default); a text with a
 * PreferLevel other than Preferred keeps it: {@code "high floor [Unacceptable]"}. The same key twice joins the values
 * with "; ".</li>
 * </ul>
 * Never read: {@code PaymentFormPref} (payment data), {@code LoyaltyPref} (loyalty is its own field), references to
 * contact data and other people ({@code NamePref}, {@code PhonePref}, {@code AddressPref}, {@code ContactPref},
 * {@code RelatedTravelerPref}), insurance and ticket delivery, and the preferences of other travel services
 * ({@code AirlinePref}, {@code VehicleRentalPref}, ...), which are no hotel's. Bounds and card-number checks:
 * {@link GuestPreferences}, a refused entry is dropped with a warning naming where it was, never its value.
 */
public final class OtaPreferences {

    private static final Set<String> CONTAINERS = Set.of("CommonPref", "HotelPref");
    private static final Set<String> NEVER_READ = Set.of("PaymentFormPref", "LoyaltyPref", "NamePref", "PhonePref",
            "AddressPref", "ContactPref", "RelatedTravelerPref", "InsurancePref", "TicketDistribPref",
            "EmployeeLevelInfo");
    private static final Map<String, String> CATEGORIES = Map.of(
            "RoomLocationPref", "ROOM",
            "BedTypePref", "BED",
            "MealPref", "DIET",
            "FoodSrvcPref", "DIET",
            "InterestPref", "INTEREST",
            "PhysChallFeaturePref", "ACCESSIBILITY",
            "SpecRequestPref", "STANDING_REQUEST");
    private static final String DEFAULT_LEVEL = "Preferred";

    private OtaPreferences() {
    }

    /** The preferences of one OTA Profile element ({@code at} = where it is, for warnings); empty when it has none. */
    public static Map<String, String> read(Element profile, String at, List<FieldWarning> warnings) {
        if (profile == null) {
            return Map.of();
        }
        List<GuestPreferences.Entry> entries = new ArrayList<>();
        String here = at + "/PrefCollections/PrefCollection";
        for (Element collections : children(profile, "PrefCollections")) {
            for (Element collection : children(collections, "PrefCollection")) {
                for (Element element : children(collection, null)) {
                    String name = element.getLocalName();
                    if (CONTAINERS.contains(name)) {
                        for (Element leaf : children(element, null)) {
                            entry(leaf, here + "/" + name + "/" + leaf.getLocalName(), entries);
                        }
                    } else if (name != null && name.endsWith("Pref") && !isOtherTravelService(name)) {
                        entry(element, here + "/" + name, entries);
                    }
                }
            }
        }
        return GuestPreferences.accept(entries, warnings);
    }

    /** AirlinePref, VehicleRentalPref, RailPref, CruisePref, TourActivityPref, OtherSrvcPref: not a hotel's. */
    private static boolean isOtherTravelService(String name) {
        return switch (name) {
            case "AirlinePref", "VehicleRentalPref", "RailPref", "CruisePref", "TourActivityPref", "OtherSrvcPref",
                 "GroundTransportationPref", "GolfPref" -> true;
            default -> false;
        };
    }

    private static void entry(Element element, String location, List<GuestPreferences.Entry> entries) {
        String name = element.getLocalName();
        if (name == null || !name.endsWith("Pref") || NEVER_READ.contains(name)) {
            return;
        }
        String category = CATEGORIES.getOrDefault(name, upperSnake(name.substring(0, name.length() - 4)));
        String code = code(element);
        String text = collapsed(element.getTextContent());
        String level = collapsed(element.getAttribute("PreferLevel"));
        String value;
        if (text == null) {
            value = level != null ? level : DEFAULT_LEVEL;
        } else {
            value = level == null || DEFAULT_LEVEL.equalsIgnoreCase(level) ? text : text + " [" + level + "]";
        }
        entries.add(new GuestPreferences.Entry(code == null ? category : category + ":" + code, value, location));
    }

    /** The element's code: the first attribute whose name ends in Code or Type (PreferLevel and RPH aside). */
    private static String code(Element element) {
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Node attribute = attributes.item(i);
            String name = attribute.getLocalName() != null ? attribute.getLocalName() : attribute.getNodeName();
            if (attribute.getNamespaceURI() != null || name.startsWith("xmlns")) {
                continue;
            }
            if (name.endsWith("Code") || name.endsWith("Type")) {
                String value = collapsed(attribute.getNodeValue());
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    private static String upperSnake(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                out.append('_');
            }
            out.append(Character.toUpperCase(c));
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }

    private static String collapsed(String text) {
        if (text == null) {
            return null;
        }
        String value = text.strip().replaceAll("\\s+", " ");
        return value.isEmpty() ? null : value;
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> result = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && (localName == null || localName.equals(element.getLocalName()))) {
                result.add(element);
            }
        }
        return result;
    }
}
