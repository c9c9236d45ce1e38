package org.guestcrm.optout.domain;

public enum ConsentStatus {
    GRANTED,
    WITHDRAWN
}
