package org.guestcrm.connector.ota.binding;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;

/**
 * OTA_ProfileCreateRQ, OTA_ProfileModifyRQ and OTA_ProfileMergeRQ share this shape: the root's envelope attributes,
 * the profile's UniqueID, for a merge the ObsoleteProfileID(s), and the Profile.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class ProfileRequest extends RequestEnvelope {
    @JacksonXmlElementWrapper(useWrapping = false)
    @JacksonXmlProperty(localName = "UniqueID")
    public List<OtaElements.UniqueId> uniqueIds;
    @JacksonXmlElementWrapper(useWrapping = false)
    @JacksonXmlProperty(localName = "ObsoleteProfileID")
    public List<OtaElements.UniqueId> obsoleteProfileIds;
    @JacksonXmlProperty(localName = "Profile")
    public OtaElements.Profile profile;
}
