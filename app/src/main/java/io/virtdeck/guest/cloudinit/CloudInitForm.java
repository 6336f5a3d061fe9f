package io.virtdeck.guest.cloudinit;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cloud-init part of the pages' forms (the create wizard, the template form, the guest's own cloud-init page), as
 * posted: SSH keys one per line, name servers separated by spaces or commas, a static address for the first NIC only
 * (more through the API). {@link #toRequest} makes the API's request; a refusal's field is mapped back with
 * {@link #formField}.
 */
public class CloudInitForm {

    private static final Pattern LIST_FIELD = Pattern.compile("(sshKeys|dns)\\[\\d+]");
    private static final Pattern NIC_FIELD = Pattern.compile("nics\\[0]\\.(address|gateway|dns)(\\[\\d+])?");

    private boolean enabled;
    private String hostname = "";
    private String user = "";
    private String sshKeys = "";
    private String password = "";
    private String dns = "";
    private String address = "";
    private String gateway = "";
    private String userData = "";

    /** The form showing the settings a guest has (the password is never shown: left empty, it is kept). */
    public static CloudInitForm of(CloudInitSettings settings) {
        CloudInitForm form = new CloudInitForm();
        form.enabled = true;
        form.hostname = settings.hostname();
        form.user = settings.user() == null ? "" : settings.user();
        form.sshKeys = String.join("\n", settings.sshKeys());
        form.dns = String.join(" ", settings.dns());
        if (!settings.nics().isEmpty() && !settings.nics().get(0).dhcp()) {
            form.address = settings.nics().get(0).address();
            form.gateway = settings.nics().get(0).gateway() == null ? "" : settings.nics().get(0).gateway();
        }
        form.userData = settings.userData() == null ? "" : settings.userData();
        return form;
    }

    /**
     * The API's request; null when cloud-init is not asked for. {@code keepPassword}: an empty password keeps the one
     * set before (editing) rather than removing it.
     */
    public CloudInitRequest toRequest(boolean keepPassword) {
        if (!enabled) {
            return null;
        }
        List<CloudInitRequest.Nic> nics = address.isBlank() && gateway.isBlank() ? List.of()
                : List.of(new CloudInitRequest.Nic(address.trim(), gateway.trim(), List.of()));
        String givenPassword = password.isEmpty() && keepPassword ? null : password;
        return new CloudInitRequest(hostname, user, lines(sshKeys), givenPassword, words(dns), nics, userData);
    }

    /** The form's field for a refused request field ({@code sshKeys[1]} is the keys' box), with its prefix. */
    public static String formField(String requestField, String prefix) {
        if (requestField == null || !requestField.startsWith(prefix)) {
            return requestField;
        }
        String field = requestField.substring(prefix.length());
        Matcher list = LIST_FIELD.matcher(field);
        Matcher nic = NIC_FIELD.matcher(field);
        if (list.matches()) {
            field = list.group(1);
        } else if (nic.matches()) {
            field = nic.group(1).equals("dns") ? "dns" : nic.group(1);
        } else if (field.startsWith("nics")) {
            field = "address";
        }
        return prefix + field;
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("[\\s,]+")).filter(word -> !word.isEmpty()).toList();
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getHostname() {
        return hostname;
    }

    public void setHostname(String hostname) {
        this.hostname = hostname == null ? "" : hostname;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user == null ? "" : user;
    }

    public String getSshKeys() {
        return sshKeys;
    }

    public void setSshKeys(String sshKeys) {
        this.sshKeys = sshKeys == null ? "" : sshKeys;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password == null ? "" : password;
    }

    public String getDns() {
        return dns;
    }

    public void setDns(String dns) {
        this.dns = dns == null ? "" : dns;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address == null ? "" : address;
    }

    public String getGateway() {
        return gateway;
    }

    public void setGateway(String gateway) {
        this.gateway = gateway == null ? "" : gateway;
    }

    public String getUserData() {
        return userData;
    }

    public void setUserData(String userData) {
        this.userData = userData == null ? "" : userData;
    }
}
