"""The hypervisor drivers of the compute hosts (one libvirt-like driver)."""
