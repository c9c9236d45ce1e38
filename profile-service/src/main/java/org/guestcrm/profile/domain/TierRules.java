package org.guestcrm.profile.domain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tenant's rules for the qualification tiers, on a guest's stays and spend ({@link StaySummary}): no stay is a
 * {@link QualificationTier#PROSPECT}; one stay or more a {@code GUEST}; at least {@code repeatMinStays} stays a
 * {@code REPEAT}; a {@code VIP} meets any of the VIP criteria given (at least {@code vipMinStays} stays, at least
 * {@code vipMinNights} nights, or at least {@code vipMinSpend} spent in {@code vipSpendCurrency}: spend in other
 * currencies is not converted, so it does not count). A criterion left null is not used; at least one is given.
 */
public record TierRules(int repeatMinStays, Integer vipMinStays, Integer vipMinNights, BigDecimal vipMinSpend,
        String vipSpendCurrency) {

    /** The rules of a tenant that set none: repeat from 2 stays, VIP from 10 stays or 40 nights. */
    public static final TierRules DEFAULT = new TierRules(2, 10, 40, null, null);

    /** The most stays or nights a rule may ask (a typing error such as 20000 is refused rather than never met). */
    public static final int MAX_COUNT = 10_000;

    /** A tier and why, in a sentence without any personal data. */
    public record Qualification(QualificationTier tier, String reason) {
    }

    /** What is wrong with a set of rules: the field (as the API names it) and why. */
    public record Violation(String field, String message) {
    }

    /** The tier of a guest with these stays. */
    public Qualification qualify(StaySummary stays) {
        int count = stays.stays();
        if (vipMinStays != null && count >= vipMinStays) {
            return new Qualification(QualificationTier.VIP, count + " stays, VIP from " + vipMinStays);
        }
        if (vipMinNights != null && stays.nights() >= vipMinNights) {
            return new Qualification(QualificationTier.VIP, stays.nights() + " nights, VIP from " + vipMinNights);
        }
        if (vipMinSpend != null) {
            BigDecimal spent = stays.spendByCurrency().get(vipSpendCurrency);
            if (spent != null && spent.compareTo(vipMinSpend) >= 0) {
                return new Qualification(QualificationTier.VIP, String.format(Locale.ROOT, "%s %s spent, VIP from %s",
                        plain(spent), vipSpendCurrency, plain(vipMinSpend)));
            }
        }
        if (count >= repeatMinStays) {
            return new Qualification(QualificationTier.REPEAT, count + " stays, repeat from " + repeatMinStays);
        }
        if (count >= 1) {
            return new Qualification(QualificationTier.GUEST, count == 1 ? "1 stay" : count + " stays");
        }
        return new Qualification(QualificationTier.PROSPECT, "no stay yet");
    }

    /** Every problem of these rules (empty when they may be used). */
    public List<Violation> violations() {
        List<Violation> out = new ArrayList<>();
        if (repeatMinStays < 2 || repeatMinStays > MAX_COUNT) {
            out.add(new Violation("repeatMinStays", "must be from 2 to " + MAX_COUNT + " (one stay is a guest)"));
        }
        if (vipMinStays != null && (vipMinStays <= repeatMinStays || vipMinStays > MAX_COUNT)) {
            out.add(new Violation("vipMinStays", "must be more than repeatMinStays and at most " + MAX_COUNT));
        }
        if (vipMinNights != null && (vipMinNights < 1 || vipMinNights > MAX_COUNT)) {
            out.add(new Violation("vipMinNights", "must be from 1 to " + MAX_COUNT));
        }
        if (vipMinSpend != null && vipMinSpend.signum() <= 0) {
            out.add(new Violation("vipMinSpend", "must be more than 0"));
        }
        if (vipMinSpend != null && vipMinSpend.scale() > 2) {
            out.add(new Violation("vipMinSpend", "must have at most 2 decimals"));
        }
        if (vipMinSpend != null && vipSpendCurrency == null) {
            out.add(new Violation("vipSpendCurrency", "is required with vipMinSpend (an ISO 4217 code)"));
        }
        if (vipSpendCurrency != null && !isCurrency(vipSpendCurrency)) {
            out.add(new Violation("vipSpendCurrency", "must be an ISO 4217 currency code in capitals"));
        }
        if (vipSpendCurrency != null && vipMinSpend == null) {
            out.add(new Violation("vipMinSpend", "is required with vipSpendCurrency"));
        }
        if (vipMinStays == null && vipMinNights == null && vipMinSpend == null) {
            out.add(new Violation("vipMinStays", "at least one VIP criterion is required: vipMinStays, vipMinNights"
                    + " or vipMinSpend"));
        }
        return out;
    }

    private static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }

    private static boolean isCurrency(String code) {
        if (!code.matches("[A-Z]{3}")) {
            return false;
        }
        try {
            java.util.Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
