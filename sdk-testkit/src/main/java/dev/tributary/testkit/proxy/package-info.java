/**
 * Network faults for tests: {@link dev.tributary.testkit.proxy.FaultProxy}, a TCP proxy on
 * 127.0.0.1 in front of a server (an embedded PostgreSQL, an emulator) that passes bytes through
 * until a test tells it to reset every connection, refuse new ones (asleep), hold them (cold
 * start), black-hole traffic or throttle it.
 */
package dev.tributary.testkit.proxy;
