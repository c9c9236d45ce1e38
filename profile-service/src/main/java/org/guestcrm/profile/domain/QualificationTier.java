package org.guestcrm.profile.domain;

/**
 * A guest's qualification by its tenant's {@link TierRules}, lowest first: {@code PROSPECT} (known, no stay yet: a
 * profile, an inquiry, an upcoming booking), {@code GUEST} (one stay or more), {@code REPEAT} (at least the tenant's
 * repeat stays), {@code VIP} (the tenant's VIP stays, nights or spend).
 */
public enum QualificationTier { PROSPECT, GUEST, REPEAT, VIP }
