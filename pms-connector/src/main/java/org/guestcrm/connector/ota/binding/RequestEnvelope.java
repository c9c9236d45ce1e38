package org.guestcrm.connector.ota.binding;

import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;

/** The attributes every OTA request root carries (the OTA_PayloadStdAttributes the connector reads). */
public abstract class RequestEnvelope {
    @JacksonXmlProperty(isAttribute = true, localName = "EchoToken")
    public String echoToken;
    @JacksonXmlProperty(isAttribute = true, localName = "TimeStamp")
    public String timeStamp;
    @JacksonXmlProperty(isAttribute = true, localName = "Version")
    public String version;
    @JacksonXmlProperty(isAttribute = true, localName = "SequenceNmbr")
    public String sequenceNmbr;
    @JacksonXmlProperty(isAttribute = true, localName = "RetransmissionIndicator")
    public String retransmissionIndicator;
}
