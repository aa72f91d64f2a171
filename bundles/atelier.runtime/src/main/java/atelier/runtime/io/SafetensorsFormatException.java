package atelier.runtime.io;

import java.io.IOException;

/** A safetensors file that is not well formed; the message names the file and the problem. */
public class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafetensorsFormatException(String message) { super(message); }
}
