"""Legacy binary Word (.doc, .wps): converted to .docx by LibreOffice when ``soffice`` is installed.

The conversion runs in a private temporary folder with a time limit; without LibreOffice the
error says how to convert the file by hand.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from planparse.errors import InputError
from planparse.loaders.base import Loaded
from planparse.options import Options

_TIMEOUT = 120
# A password-protected .docx (or .xlsx, .pptx) is not a zip but an OLE file, as a .doc is, holding the
# encrypted package under these stream names (MS-OFFCRYPTO); LibreOffice cannot open it without the
# password, and the error said "could not convert the .doc".
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


def load_doc(data: bytes, name: str, options: Options | None = None) -> Loaded:
    if all(stream in data for stream in _ENCRYPTED_STREAMS):
        raise InputError(name, "encrypted", "a password-protected Word document; save a copy without the password first")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise InputError(
            name,
            "unsupported-format",
            "a legacy Word .doc; install LibreOffice or convert it first: soffice --headless --convert-to docx FILE",
        )
    with tempfile.TemporaryDirectory(prefix="planparse-doc-") as tmp:
        src = Path(tmp) / "input.doc"
        src.write_bytes(data)
        try:
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "docx", "--outdir", tmp, str(src)],
                check=True,
                capture_output=True,
                timeout=_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise InputError(name, "timeout", f"LibreOffice did not convert the .doc within {_TIMEOUT} s") from None
        except (subprocess.CalledProcessError, OSError) as err:
            raise InputError(name, "corrupt", f"LibreOffice could not convert the .doc ({type(err).__name__})") from None
        out = Path(tmp) / "input.docx"
        if not out.is_file():
            raise InputError(name, "corrupt", "LibreOffice could not convert the .doc")
        from planparse.loaders.docx import load_docx

        loaded = load_docx(out.read_bytes(), name, hashlib.sha256(data).hexdigest(), options)
    loaded.source.format = "docx"
    return loaded
