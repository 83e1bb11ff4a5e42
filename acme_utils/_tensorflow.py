"""TensorFlow and Keras, imported once, without TensorFlow's C++ start-up chatter.

On a machine without a GPU, importing TensorFlow prints CUDA-probing lines ("Could not find cuda
drivers", "failed call to cuInit") from C++, before its logging can be configured, straight to
the process's standard error; in a book build that is the reader's terminal. Every module of the
package that needs TensorFlow imports it from here: the import runs with file descriptor 2
pointed at a temporary file, which is replayed if the import fails (so a broken installation
still explains itself). ``TF_CPP_MIN_LOG_LEVEL`` defaults to 3 (set it yourself to see more).
"""

import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _import_quietly():
    if "tensorflow" in sys.modules:
        import keras
        import tensorflow

        return tensorflow, keras
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as log:
        os.dup2(log.fileno(), 2)
        try:
            import keras
            import tensorflow
        except BaseException:
            os.dup2(saved, 2)
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    return tensorflow, keras


tf, keras = _import_quietly()
