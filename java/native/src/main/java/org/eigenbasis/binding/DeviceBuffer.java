package org.eigenbasis.binding;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * GPU memory from our CUDA library, freed by {@link #close()}. The address is usable by cuSOLVER through the
 * presets as well: both runtimes share the device's primary context.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final long address;
    private final long bytes;
    private final DeviceBuffer owner;
    private boolean closed;

    private DeviceBuffer(long address, long bytes, DeviceBuffer owner) {
        this.address = address;
        this.bytes = bytes;
        this.owner = owner;
    }

    /** Allocates {@code bytes} bytes of device memory. */
    public static DeviceBuffer allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " is negative");
        }
        long[] pointer = new long[1];
        int status = EbCudaLibrary.eb_cuda_malloc(bytes, pointer);
        if (status == Status.ALLOCATION) {
            throw new OutOfMemoryError("eb_cuda_malloc: device memory could not be allocated (" + bytes + " bytes; "
                    + EbCudaLibrary.eb_cuda_last_error().getString() + ")");
        }
        CudaKernels.check("eb_cuda_malloc", status);
        return new DeviceBuffer(pointer[0], bytes, null);
    }

    public long address() {
        if (isClosed()) {
            throw new IllegalStateException("device buffer is closed");
        }
        return address;
    }

    /** Whether this buffer, or the buffer it is a view of, was closed: its address must not be used any more. */
    public boolean isClosed() {
        return closed || (owner != null && owner.closed);
    }

    /**
     * The {@code bytes} bytes from {@code byteOffset} as a buffer of their own, for kernels that take a part of a
     * larger allocation; it owns nothing ({@link #close()} does not free) and is unusable once this buffer is closed.
     */
    public DeviceBuffer view(long byteOffset, long bytes) {
        if (byteOffset < 0 || bytes < 0 || byteOffset > this.bytes || bytes > this.bytes - byteOffset) {
            throw new IllegalArgumentException("view: " + bytes + " bytes at " + byteOffset + " do not fit the "
                    + this.bytes + " bytes of this buffer");
        }
        return new DeviceBuffer(address() + byteOffset, bytes, owner == null ? this : owner);
    }

    public long bytes() {
        return bytes;
    }

    public void upload(DoubleBuffer host) {
        Arguments.require("host", host, bytes / 8);
        CudaKernels.check("eb_cuda_copy_to_device", EbCudaLibrary.eb_cuda_copy_to_device(address(), host, bytes));
    }

    public void upload(FloatBuffer host) {
        Arguments.require("host", host, bytes / 4);
        CudaKernels.check("eb_cuda_copy_to_device", EbCudaLibrary.eb_cuda_copy_to_device(address(), host, bytes));
    }

    public void upload(IntBuffer host) {
        uploadAt(0, host, bytes / 4);
    }

    /**
     * Copies the first {@code count} ints of {@code host} (a direct buffer at position 0) to this buffer at {@code byteOffset}, so that a
     * large array can be staged through a bounded host buffer piece by piece.
     */
    public void uploadAt(long byteOffset, IntBuffer host, long count) {
        if (byteOffset < 0 || count < 0 || byteOffset > bytes || count > (bytes - byteOffset) / 4) {
            throw new IllegalArgumentException("uploadAt: " + count + " ints at byte " + byteOffset + " do not fit the "
                    + bytes + " bytes of this buffer");
        }
        Arguments.require("host", host, count);
        CudaKernels.check("eb_cuda_copy_to_device",
                EbCudaLibrary.eb_cuda_copy_to_device(address() + byteOffset, host, count * 4));
    }

    public void download(DoubleBuffer host) {
        Arguments.output("host", host, bytes / 8);
        CudaKernels.check("eb_cuda_copy_to_host", EbCudaLibrary.eb_cuda_copy_to_host(host, address(), bytes));
    }

    public void download(FloatBuffer host) {
        Arguments.output("host", host, bytes / 4);
        CudaKernels.check("eb_cuda_copy_to_host", EbCudaLibrary.eb_cuda_copy_to_host(host, address(), bytes));
    }

    public void download(IntBuffer host) {
        Arguments.output("host", host, bytes / 4);
        CudaKernels.check("eb_cuda_copy_to_host", EbCudaLibrary.eb_cuda_copy_to_host(host, address(), bytes));
    }

    /** Copies all of {@code source} (same size) into this buffer, on the device. */
    public void copyFrom(DeviceBuffer source) {
        if (source == null) {
            throw new IllegalArgumentException("source: is null");
        }
        if (source.bytes() != bytes) {
            throw new IllegalArgumentException("source: " + source.bytes() + " bytes, this buffer holds " + bytes);
        }
        CudaKernels.check("eb_cuda_copy_on_device", EbCudaLibrary.eb_cuda_copy_on_device(address(), source.address(), bytes));
    }

    /** Waits for all device work. */
    public static void synchronize() {
        CudaKernels.check("eb_cuda_synchronize", EbCudaLibrary.eb_cuda_synchronize());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (owner == null) {
                EbCudaLibrary.eb_cuda_free(address);
            }
        }
    }
}
