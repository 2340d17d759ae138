"""The page-image modules run OpenCV on one thread (``adapters.opencv``): a worker process
reads one page at a time, and OpenCV's own pool of a thread per core only added its
hand-over and spinning to a scanned page's CPU."""

import ast
from pathlib import Path

import invoicepipe.adapters as adapters


def test_preparing_a_page_leaves_opencv_one_thread():
    from invoicepipe.adapters import page_cleanup, page_geometry, table_grid  # noqa: F401 - what ocr.prepare loads

    import cv2

    assert cv2.getNumThreads() == 1


def test_no_adapter_imports_opencv_past_the_one_thread_setting():
    folder = Path(adapters.__file__).parent
    direct = []
    for path in sorted(folder.glob("*.py")):
        if path.name == "opencv.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(alias.name == "cv2" for alias in node.names):
                direct.append(path.name)
    assert direct == []
