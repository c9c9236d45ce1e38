package org.guestcrm.profile.it;

import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.phone;
import static org.guestcrm.testsupport.GuestProfiles.profile;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.PostalAddress;

/**
 * Synthetic hotel guests with ground truth, for seeding a store and for newcomers against it. Every person is derived
 * from its index alone (so a million need nothing kept), with skewed distributions as a hotel's guest list has them:
 * given names and common surnames drawn by a Zipf law (a few very frequent, a long tail), two thirds of the surnames
 * from a syllable generator (about 3 million distinct), ages 18 to 85 peaking in the forties, cities weighted by size with
 * postcodes inside the city, e-mails in the usual patterns (given.surname, initial+surname, with digits) at a handful
 * of big mailbox domains, mobile phones in the national numbering of the city's country.
 *
 * <p>A person's second profile ({@link #variant}) is another PMS's view of the same person: typing errors (transposed
 * letters, an umlaut written out or not), given and family names swapped, an OTA relay address, another or no e-mail,
 * no or a mistyped birth date, the phone in national notation or none, no address. Nothing here is real: the mailbox
 * domains are under {@code .example}, the relay addresses under the OTA's relay domain with generated local parts.
 */
final class SyntheticGuests {

    private static final String[] GIVEN = {"anna", "peter", "maria", "thomas", "laura", "michael", "sofia", "daniel",
        "elena", "lukas", "julia", "david", "sarah", "martin", "emma", "jonas", "lea", "felix", "nina", "paul", "clara",
        "simon", "mia", "jan", "lena", "marco", "chiara", "luca", "giulia", "pierre", "camille", "louis", "manon",
        "hugo", "ines", "james", "olivia", "william", "amelia", "oliver", "isla", "jack", "ava", "noah", "emily",
        "carlos", "lucia", "javier", "carmen", "pablo", "marta", "ivan", "olga", "sergei", "anastasia", "yuki", "hiro",
        "wei", "li", "fatima", "omar", "aisha", "ali", "zeynep", "mehmet", "eva", "adam", "sara", "erik", "ingrid",
        "andreas", "stefan", "katharina", "christian", "sabine", "markus", "claudia", "tobias", "monika", "florian",
        "sandra", "matthias", "nicole", "alexander", "petra", "benjamin", "susanne", "sebastian", "barbara", "philipp",
        "johanna", "dominik", "franziska", "patrick", "isabelle", "nicolas", "sophie", "antoine", "chloe", "julien",
        "alessandro", "francesca", "matteo", "valentina", "giorgio", "federica", "henrik", "astrid", "lars", "karin"};
    private static final String[] COMMON_SURNAMES = {"mueller", "schmidt", "schneider", "fischer", "weber", "meyer",
        "wagner", "becker", "schulz", "hoffmann", "martin", "bernard", "dubois", "thomas", "robert", "richard", "petit",
        "durand", "rossi", "russo", "ferrari", "esposito", "bianchi", "romano", "smith", "jones", "williams", "brown",
        "taylor", "davies", "evans", "wilson", "garcia", "fernandez", "lopez", "martinez", "gonzalez", "rodriguez",
        "ivanov", "smirnov", "kuznetsov", "sato", "suzuki", "takahashi", "wang", "li", "zhang", "yilmaz", "kaya",
        "nielsen", "jensen", "hansen", "johansson", "andersson", "keller", "huber", "brunner", "gerber", "frei",
        "baumann", "moser", "graf", "wyss", "steiner", "zimmermann", "schmid", "widmer", "bauer", "koch", "richter",
        "klein", "wolf", "schroeder", "neumann", "schwarz", "braun", "krueger", "hofmann", "hartmann", "lange", "werner",
        "lefebvre", "moreau", "laurent", "simon", "michel", "leroy", "roux", "colombo", "ricci", "marino", "greco"};
    private static final String[] SYLLABLES = {"ka", "lo", "ber", "tin", "ma", "ri", "sch", "wal", "den", "fel",
        "gra", "hu", "in", "jo", "kel", "lan", "mer", "nor", "ost", "pra", "ru", "sen", "tor", "ul", "ven", "wy", "zi",
        "bach", "berg", "mann", "stein", "feld", "dorf", "er", "i", "o", "ez", "ov", "sky", "son", "ini", "ler"};
    /** City, first postcode, postcodes in the city, country, weight (about its share of a Swiss group's guests). */
    private static final Object[][] CITIES = {{"Zuerich", 8001, 60, "CH", 14}, {"Geneve", 1201, 20, "CH", 8},
        {"Basel", 4051, 9, "CH", 6}, {"Bern", 3011, 20, "CH", 5}, {"Lausanne", 1003, 16, "CH", 4},
        {"Luzern", 6003, 12, "CH", 3}, {"Muenchen", 80331, 600, "DE", 6}, {"Berlin", 10115, 1400, "DE", 6},
        {"Hamburg", 20095, 500, "DE", 4}, {"Frankfurt", 60311, 300, "DE", 3}, {"Wien", 1010, 230, "AT", 4},
        {"Paris", 75001, 20, "FR", 6}, {"Lyon", 69001, 9, "FR", 2}, {"Milano", 20121, 40, "IT", 4},
        {"Roma", 184, 80, "IT", 3}, {"Madrid", 28001, 50, "ES", 2}, {"London", 1, 120, "GB", 6},
        {"Amsterdam", 1011, 100, "NL", 2}, {"Bruxelles", 1000, 200, "BE", 1}, {"Stockholm", 11120, 90, "SE", 1},
        {"New York", 10001, 280, "US", 3}, {"Tokyo", 1000001, 900, "JP", 1}, {"Dubai", 0, 1, "AE", 1},
        {"Istanbul", 34000, 900, "TR", 1}};
    private static final String[] DOMAINS = {"mail.example", "mail.example", "mail.example", "post.example",
        "post.example", "web.example", "inbox.example", "net.example", "online.example", "corp.example"};
    private static final String[] RELAY_DOMAINS = {"guest.booking.com", "m.expediapartnercentral.com",
        "guest.airbnb.com"};
    private static final double[] GIVEN_CUMULATIVE = zipf(GIVEN.length, 0.9);
    private static final double[] SURNAME_CUMULATIVE = zipf(COMMON_SURNAMES.length, 1.0);
    private static final int CITY_WEIGHT = java.util.Arrays.stream(CITIES).mapToInt(c -> (Integer) c[4]).sum();

    /** One person, as its own PMS holds it. */
    record Person(int index, String given, String surname, LocalDate birthDate, String city, String postcode,
            String country, String email, String phone) {
    }

    private SyntheticGuests() {
    }

    /** The person of this index (the same every time). */
    static Person person(int index) {
        Random r = new Random(0x9E3779B97F4A7C15L * (index + 1L) + 17);
        String given = GIVEN[pick(GIVEN_CUMULATIVE, r)];
        String surname;
        if (r.nextInt(3) == 0) {
            surname = COMMON_SURNAMES[pick(SURNAME_CUMULATIVE, r)];
        } else {
            StringBuilder s = new StringBuilder();
            // Three or four syllables: about 3 million surnames, a tail as long as a hotel group's guest list has (two
            // syllables gave 1,764, so strangers shared name, city and postcode far more often than real guests do).
            int parts = 3 + r.nextInt(2);
            for (int i = 0; i < parts; i++) {
                s.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
            }
            surname = s.toString();
        }
        LocalDate birth = null;
        if (r.nextInt(100) < 70) {
            // Ages 18-85, the sum of two uniforms: most guests in their forties and fifties.
            int age = 18 + (r.nextInt(35) + r.nextInt(34));
            birth = LocalDate.of(2026 - age, 1, 1).plusDays(r.nextInt(365));
        }
        String city = null;
        String postcode = null;
        String country = "CH";
        if (r.nextInt(100) < 65) {
            int w = r.nextInt(CITY_WEIGHT);
            Object[] c = CITIES[0];
            for (Object[] candidate : CITIES) {
                w -= (Integer) candidate[4];
                if (w < 0) {
                    c = candidate;
                    break;
                }
            }
            city = (String) c[0];
            int code = (Integer) c[1] + r.nextInt((Integer) c[2]);
            country = (String) c[3];
            postcode = "GB".equals(country) ? "SW" + code + " " + (1 + r.nextInt(9)) + "AA"
                    : String.format(java.util.Locale.ROOT, "%0" + String.valueOf((Integer) c[1]).length() + "d", code);
            if ("AE".equals(country)) {
                // The UAE has no postcodes: every Dubai guest held "0", one postcode shared by 1 % of the persons,
                // weighed as a real one (BatchLinkerProbe's trace: given name + postcode "0" + city, strangers merged).
                postcode = null;
            }
        }
        String mail = null;
        if (r.nextInt(100) < 85) {
            String local = switch (r.nextInt(5)) {
                case 0 -> given + "." + surname;
                case 1 -> given.charAt(0) + surname;
                case 2 -> given + "." + surname + (index % 97);
                case 3 -> surname + "." + given;
                default -> given + surname.charAt(0) + (1950 + index % 60);
            };
            // The mailbox is the person's own (a provider gives an address once): the index in base 36 makes it unique.
            mail = local + "." + Integer.toString(index, 36) + "@" + DOMAINS[r.nextInt(DOMAINS.length)];
        }
        String phoneNumber = r.nextInt(100) < 50 ? mobile(country, r) : null;
        return new Person(index, given, surname, birth, city, postcode, country, mail, phoneNumber);
    }

    /**
     * The person of this index, living with another when asked (fs-9's households): with probability
     * {@code householdShare} (drawn from the index alone, apart from the person's own draws, so a share of 0 gives
     * {@link #person(int)} exactly) person {@code index} shares the household of person {@code index - 1} (who may
     * share one with {@code index - 2}: households of three and more): the same city and postcode (this generator's address: it
     * has no street), mostly the same surname (70 %), sometimes the same e-mail (20 %, a family's one address) or
     * phone (30 %, a landline); its own given name (never the other's) and its own birth date.
     */
    static Person person(int index, double householdShare) {
        Person own = person(index);
        if (!inHousehold(index, householdShare)) {
            return own;
        }
        Person head = person(index - 1, householdShare);
        Random h = new Random(0x2545F4914F6CDD1DL * (index + 3L) + 11);
        h.nextDouble(); // the draw inHousehold made
        String given = own.given();
        for (int k = 1; given.equals(head.given()); k++) {
            given = GIVEN[(java.util.Arrays.asList(GIVEN).indexOf(own.given()) + k) % GIVEN.length];
        }
        String surname = h.nextInt(10) < 7 ? head.surname() : own.surname();
        LocalDate birth = own.birthDate();
        if (birth != null && birth.equals(head.birthDate())) {
            birth = birth.plusYears(3).plusDays(40);
        }
        String mail = h.nextInt(10) < 2 ? head.email() : own.email();
        String phoneNumber = h.nextInt(10) < 3 ? head.phone() : own.phone();
        return new Person(index, given, surname, birth, head.city(), head.postcode(), head.country(), mail, phoneNumber);
    }

    /** Whether person {@code index} lives in the household of person {@code index - 1} ({@link #person(int, double)}). */
    static boolean inHousehold(int index, double householdShare) {
        return householdShare > 0 && index > 0
                && new Random(0x2545F4914F6CDD1DL * (index + 3L) + 11).nextDouble() < householdShare;
    }

    /** A life event between a person's two profiles (fs-9's households run only): moved, or a new surname. */
    enum LifeEvent { MOVED, NEW_SURNAME }

    /**
     * With households asked for, one second profile in ten shows the person moved (another city and postcode) and
     * one in twenty with another surname (married); drawn from the index alone. Null otherwise.
     */
    static LifeEvent lifeEvent(int index, double householdShare) {
        if (householdShare <= 0) {
            return null;
        }
        int draw = new Random(0x61C8864680B583EBL * (index + 5L) + 29).nextInt(20);
        return draw < 2 ? LifeEvent.MOVED : draw < 3 ? LifeEvent.NEW_SURNAME : null;
    }

    private static Person withLifeEvent(Person variant, LifeEvent event, int index) {
        if (event == null) {
            return variant;
        }
        Person elsewhere = person(index + 1_000_003);
        for (int k = 1; event == LifeEvent.MOVED && (elsewhere.city() == null || elsewhere.city().equals(variant.city()));
                k++) {
            elsewhere = person(index + 1_000_003 + k);
        }
        if (event == LifeEvent.MOVED) {
            return new Person(variant.index(), variant.given(), variant.surname(), variant.birthDate(),
                    elsewhere.city(), elsewhere.postcode(), elsewhere.country(), variant.email(), variant.phone());
        }
        return new Person(variant.index(), variant.given(), elsewhere.surname(), variant.birthDate(), variant.city(),
                variant.postcode(), variant.country(), variant.email(), variant.phone());
    }

    /** Another PMS's view of the same person (typing errors, another, relay or no e-mail, ...). */
    static Person variant(Person p, Random r) {
        String given = p.given();
        String surname = p.surname();
        if (r.nextInt(4) == 0 && given.length() > 3) {
            given = transposed(given, r);
        }
        if (r.nextInt(10) == 0 && surname.length() > 4) {
            surname = transposed(surname, r);
        } else if (r.nextInt(10) == 0 && surname.contains("ue")) {
            surname = surname.replaceFirst("ue", "\u00fc");
        }
        if (r.nextInt(20) == 0) {
            String swap = given;
            given = surname;
            surname = swap;
        }
        String mail = p.email();
        int m = r.nextInt(20);
        if (m < 2) {
            mail = null;
        } else if (m < 4) {
            // The work address at the person's employer (one of 20,000 companies).
            mail = p.given().charAt(0) + "." + p.surname() + "@c" + Integer.toString(p.index() % 20_000, 36) + ".example";
        } else if (m < 7) {
            mail = p.given() + "." + p.surname().charAt(0) + Integer.toHexString(r.nextInt(1 << 20)) + "@"
                    + RELAY_DOMAINS[r.nextInt(RELAY_DOMAINS.length)];
        }
        LocalDate birth = p.birthDate();
        int b = r.nextInt(10);
        if (b < 3) {
            birth = null;
        } else if (b == 3 && birth != null && birth.getDayOfMonth() <= 12) {
            birth = LocalDate.of(birth.getYear(), birth.getDayOfMonth(), Math.min(birth.getMonthValue(), 28));
        }
        String phoneNumber = r.nextBoolean() ? p.phone() : null;
        if (phoneNumber != null && r.nextBoolean()) {
            phoneNumber = national(phoneNumber);
        }
        boolean address = r.nextInt(10) < 7;
        return new Person(p.index(), given, surname, birth, address ? p.city() : null, address ? p.postcode() : null,
                p.country(), mail, phoneNumber);
    }

    /** The person as a pms.profiles event of this tenant, PMS and profile id. */
    static GuestProfileChanged event(String tenant, String pms, String id, Person p) {
        GuestProfileChanged.Builder b = profile(tenant, pms, id, 1L)
                .setFirstName(capitalised(p.given()))
                .setLastName(capitalised(p.surname()))
                .setBirthDate(p.birthDate())
                .setHotelCode("ZRH1")
                .setEmails(p.email() == null ? List.of() : List.of(email(p.email(), true)))
                .setPhones(p.phone() == null ? List.of() : List.of(phone(p.phone())));
        if (p.city() != null) {
            b.setAddresses(List.of(PostalAddress.newBuilder().setCity(p.city()).setPostalCode(p.postcode())
                    .setCountryCode(p.country()).setPrimary(true).build()));
        }
        return b.build();
    }

    /**
     * A store of {@code persons} guests for this tenant: each person's profile from {@code first-pms} ({@code P-i}),
     * and for a share {@code duplicateShare} a second one from {@code second-pms} ({@code D-i}) in the same guest (the
     * ground truth: the guest is the person).
     */
    static List<List<GuestProfileChanged>> store(String tenant, int from, int persons, double duplicateShare) {
        List<List<GuestProfileChanged>> out = new ArrayList<>(persons);
        for (int i = from; i < from + persons; i++) {
            out.add(guest(tenant, i, duplicateShare));
        }
        return out;
    }

    /** One guest of {@link #store}: the person's profile and perhaps its second one. */
    static List<GuestProfileChanged> guest(String tenant, int index, double duplicateShare) {
        return guest(tenant, index, duplicateShare, 0);
    }

    /**
     * {@link #guest(String, int, double)} with households ({@link #person(int, double)}) and life events between the
     * two profiles ({@link #lifeEvent}) when {@code householdShare} is above 0.
     */
    static List<GuestProfileChanged> guest(String tenant, int index, double duplicateShare, double householdShare) {
        Person p = person(index, householdShare);
        Random r = new Random(index * 31L + 5);
        List<GuestProfileChanged> profiles = new ArrayList<>(2);
        profiles.add(event(tenant, "first-pms", "P-" + index, p));
        if (r.nextDouble() < duplicateShare) {
            profiles.add(event(tenant, "second-pms", "D-" + index,
                    withLifeEvent(variant(p, r), lifeEvent(index, householdShare), index)));
        }
        return profiles;
    }

    /** Whether {@link #guest} gives this person a second profile ({@code D-index}). */
    static boolean hasSecondProfile(int index, double duplicateShare) {
        return new Random(index * 31L + 5).nextDouble() < duplicateShare;
    }

    private static String transposed(String s, Random r) {
        int i = 1 + r.nextInt(s.length() - 2);
        return s.substring(0, i) + s.charAt(i + 1) + s.charAt(i) + s.substring(i + 2);
    }

    private static String mobile(String country, Random r) {
        int subscriber = 1_000_000 + r.nextInt(9_000_000);
        return switch (country) {
            case "CH" -> "+417" + (5 + r.nextInt(5)) + subscriber;
            case "DE" -> "+4915" + (1 + r.nextInt(9)) + subscriber;
            case "AT" -> "+43664" + subscriber;
            case "FR" -> "+336" + subscriber + r.nextInt(10);
            case "IT" -> "+393" + (2 + r.nextInt(8)) + subscriber + r.nextInt(10);
            case "GB" -> "+447" + (4 + r.nextInt(6)) + subscriber + r.nextInt(100) / 10;
            case "US" -> "+1212" + subscriber;
            default -> "+417" + (5 + r.nextInt(5)) + subscriber;
        };
    }

    /** A Swiss, German or Austrian number in national notation (0 instead of the country code); others unchanged. */
    private static String national(String e164) {
        for (String cc : new String[] {"+41", "+49", "+43"}) {
            if (e164.startsWith(cc)) {
                String rest = e164.substring(cc.length());
                return "0" + rest.substring(0, 2) + " " + rest.substring(2, 5) + " " + rest.substring(5);
            }
        }
        return e164;
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static double[] zipf(int n, double s) {
        double[] cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cumulative[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
        return cumulative;
    }

    private static int pick(double[] cumulative, Random r) {
        double u = r.nextDouble();
        int i = java.util.Arrays.binarySearch(cumulative, u);
        return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }
}
