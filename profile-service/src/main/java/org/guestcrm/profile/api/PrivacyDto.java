package org.guestcrm.profile.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Bodies of guest search, the personal-data export and erasure. */
public final class PrivacyDto {

    private PrivacyDto() {
    }

    /**
     * A search's criteria (in the body, so addresses never appear in URLs or access logs; the tenant is the query parameter): at least one of e-mail, phone or last
     * name; first name narrows a name search.
     */
    public record SearchRequest(String email, String phone, String lastName, String firstName) {
    }

    /** One guest found, and what matched ({@code EMAIL}, {@code PHONE}, {@code NAME}). */
    public record SearchHit(UUID guestId, String firstName, String lastName, LocalDate birthDate, String primaryEmail,
                            List<String> matchedOn) {
    }

    public record SearchResult(List<SearchHit> guests, boolean truncated) {
    }

    /** Everything held about a guest (GDPR access): the record and every stored datum behind it. */
    public record PersonalDataExport(Instant exportedAt, GuestDto guest, List<Map<String, Object>> sourceProfiles,
                                     List<Map<String, Object>> stays, List<ReviewDto> matchDecisions,
                                     List<UUID> mergedAliases) {
    }

    public record ErasureRequest(String reason) {
    }

    public record ErasureResult(UUID guestId, UUID requestId, Instant erasedAt, int sourceProfiles, int contactPoints,
                                int stays, int suppressionMarkers) {
    }
}
