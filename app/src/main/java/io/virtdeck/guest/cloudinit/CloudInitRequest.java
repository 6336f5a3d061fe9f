package io.virtdeck.guest.cloudinit;

import java.util.List;

/**
 * A guest's cloud-init settings as the create request, the template form and PUT /api/v1/guests/{id}/cloud-init give
 * them (OpenAPI names). Everything is optional; what is left out stays as the guest's image has it.
 *
 * @param hostname the guest's host name; by default the guest's name where that is a valid host name
 * @param user a user to create (sudo without password), who gets {@code sshKeys} and {@code password}
 * @param sshKeys OpenSSH public keys, one per entry ("ssh-ed25519 AAAA... comment")
 * @param password the user's password, kept only as its SHA-512 crypt hash; null keeps the one set before (when
 *                 editing), "" removes it (the user then logs in by key only)
 * @param dns name servers for every NIC that names none of its own
 * @param nics network settings per NIC, in the guest's NIC order; a NIC without {@code address} (or without an entry)
 *             takes its address by DHCP
 * @param userData cloud-config YAML for what the form does not cover (packages, runcmd, write_files ...)
 */
public record CloudInitRequest(String hostname, String user, List<String> sshKeys, String password,
                               List<String> dns, List<Nic> nics, String userData) {

    public CloudInitRequest {
        sshKeys = sshKeys == null ? List.of() : sshKeys;
        dns = dns == null ? List.of() : dns;
        nics = nics == null ? List.of() : nics;
    }

    /**
     * @param address a static address with its prefix length ("192.168.10.5/24", "fd00::5/64"); none for DHCP
     * @param gateway the default route's next hop, inside the address's prefix
     * @param dns name servers of this NIC
     */
    public record Nic(String address, String gateway, List<String> dns) {

        public Nic {
            dns = dns == null ? List.of() : dns;
        }

        public boolean dhcp() {
            return address == null || address.isBlank();
        }
    }
}
