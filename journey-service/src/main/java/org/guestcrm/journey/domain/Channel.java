package org.guestcrm.journey.domain;

/**
 * How a communication reaches the guest: e-mail, or SMS for the steps configured for it when the guest has a valid
 * mobile number and a gateway is configured ({@link ChannelPolicy}).
 */
public enum Channel {
    EMAIL,
    SMS
}
