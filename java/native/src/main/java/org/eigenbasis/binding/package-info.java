/**
 * Internal: not API. The JavaCPP bindings over the C ABI of {@code native/include/eigenbasis/eb_api.h} and the
 * checked wrappers that turn status codes into exceptions; the only package that imports {@code org.bytedeco}
 * (BindingIsolationTest).
 */
package org.eigenbasis.binding;
