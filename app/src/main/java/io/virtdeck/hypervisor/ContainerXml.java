package io.virtdeck.hypervisor;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.append;
import static io.virtdeck.hypervisor.SafeXml.appendText;

/**
 * Writes the domain XML of a new LXC system container (docs/lxc-probe.md): OS type {@code exe} with init
 * {@code /sbin/init}, the root file system a host directory mounted on {@code /}, a NIC on a virtual network, and a
 * console on a pseudo-terminal (what the serial console page opens). The memory is its cgroup's limit; the CPU limit
 * is a CFS quota, as the LXC driver gives {@code <vcpu>} no meaning of its own. Built through the DOM, so names and
 * paths from users are escaped by the XML library.
 */
final class ContainerXml {

    /** The CFS period, in microseconds: the kernel's default. */
    static final long CPU_PERIOD_US = 100_000;

    private ContainerXml() {
    }

    static String write(ContainerSpec spec) {
        Document doc = SafeXml.newDocument();
        Element domain = doc.createElement("domain");
        doc.appendChild(domain);
        domain.setAttribute("type", "lxc");
        appendText(domain, "name", spec.name());
        appendText(domain, "uuid", spec.uuid().toString());
        appendText(domain, "memory", Long.toString(spec.memoryMiB()), "unit", "MiB");
        appendText(domain, "currentMemory", Long.toString(spec.memoryMiB()), "unit", "MiB");
        appendText(domain, "vcpu", Integer.toString(spec.vcpus()));
        Element os = append(domain, "os");
        appendText(os, "type", "exe");
        appendText(os, "init", "/sbin/init");
        Element cputune = append(domain, "cputune");
        appendText(cputune, "period", Long.toString(CPU_PERIOD_US));
        appendText(cputune, "quota", Long.toString(CPU_PERIOD_US * spec.vcpus()));
        appendText(domain, "on_poweroff", "destroy");
        appendText(domain, "on_reboot", "restart");
        appendText(domain, "on_crash", "destroy");
        Element devices = append(domain, "devices");
        Element root = append(devices, "filesystem", "type", "mount");
        append(root, "source", "dir", spec.rootDirectory());
        append(root, "target", "dir", "/");
        if (spec.readOnlyRoot()) {
            append(root, "readonly");
        }
        if (spec.network() != null) {
            Element nic = append(devices, "interface", "type", "network");
            append(nic, "source", "network", spec.network());
        }
        append(devices, "console", "type", "pty");
        return SafeXml.toXml(domain);
    }
}
