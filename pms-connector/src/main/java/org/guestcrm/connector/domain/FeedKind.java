package org.guestcrm.connector.domain;

/** The format a push feed accepts. */
public enum FeedKind {
    OTA_XML, CANONICAL_JSON
}
