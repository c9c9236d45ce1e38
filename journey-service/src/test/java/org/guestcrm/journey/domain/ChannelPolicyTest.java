package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;

import org.junit.jupiter.api.Test;

class ChannelPolicyTest {

    @Test
    void aConfiguredStepGoesBySmsOnlyWithAGatewayAndANumber() {
        ChannelPolicy policy = new ChannelPolicy(Set.of(JourneyStep.PRE_CHECK_IN), true);

        assertEquals(Channel.SMS, policy.channelOf(JourneyStep.PRE_CHECK_IN, "+41791234567"));
        assertEquals(Channel.EMAIL, policy.channelOf(JourneyStep.PRE_CHECK_IN, null), "no valid number");
        assertEquals(Channel.EMAIL, policy.channelOf(JourneyStep.PRE_STAY, "+41791234567"), "not configured for SMS");
        assertEquals(Channel.EMAIL, new ChannelPolicy(Set.of(JourneyStep.PRE_CHECK_IN), false)
                .channelOf(JourneyStep.PRE_CHECK_IN, "+41791234567"), "no gateway");
        assertEquals(Channel.EMAIL, ChannelPolicy.EMAIL_ONLY.channelOf(JourneyStep.PRE_CHECK_IN, "+41791234567"));
    }

    @Test
    void campaignsAreNotJourneySteps() {
        assertThrows(IllegalArgumentException.class, () -> new ChannelPolicy(Set.of(JourneyStep.CAMPAIGN), true));
    }

    @Test
    void aTransactionalStepByTextIsCheckedAgainstTheServicePurpose() {
        assertEquals("PRE_STAY_SERVICE", StepPurpose.ofSms(JourneyStep.PRE_CHECK_IN));
        assertEquals("GUEST_SURVEY", StepPurpose.ofSms(JourneyStep.POST_STAY_SURVEY));
    }
}
