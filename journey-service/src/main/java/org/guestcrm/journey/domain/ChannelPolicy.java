package org.guestcrm.journey.domain;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which channel a step goes by: SMS for the steps configured for it ({@code journey.sms.steps}) when an SMS gateway is
 * configured and the reservation holds a valid mobile number (E.164), else e-mail. Decided when the step is first
 * planned; at send time an SMS that cannot go (number gone, SMS consent withdrawn) falls back to e-mail.
 */
public record ChannelPolicy(Set<JourneyStep> smsSteps, boolean smsGateway) {

    public static final ChannelPolicy EMAIL_ONLY = new ChannelPolicy(Set.of(), false);

    public ChannelPolicy {
        Objects.requireNonNull(smsSteps, "smsSteps");
        smsSteps = smsSteps.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(smsSteps));
        for (JourneyStep step : smsSteps) {
            if (step == JourneyStep.CAMPAIGN || Occasions.isOccasion(step)) {
                throw new IllegalArgumentException("campaign messages go by their campaign's channel, not journey.sms.steps");
            }
        }
    }

    /** The channel of {@code step} for a reservation that has ({@code mobile} non-null) or lacks a mobile number. */
    public Channel channelOf(JourneyStep step, String mobile) {
        return smsGateway && mobile != null && smsSteps.contains(step) ? Channel.SMS : Channel.EMAIL;
    }
}
