// SPDX-License-Identifier: MIT
// A plain shared library: no Qt plugin metadata.
extern "C" __attribute__((visibility("default"))) int stonyx_not_a_plugin()
{
    return 42;
}
