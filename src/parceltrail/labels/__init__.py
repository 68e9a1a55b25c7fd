"""Shipping labels: what a 4x6 label says (``LabelSpec``), its barcodes, and printing it as PDF or ZPL.

Pure: specs in, bytes or text out (reportlab draws into memory). Buying the label from a carrier and
storing it live in ``services.labels``.
"""

from parceltrail.labels.barcodes import Barcode, barcodes, impb_number
from parceltrail.labels.pdf import render_pdf
from parceltrail.labels.spec import LabelSpec
from parceltrail.labels.zpl import field_data, render_zpl

__all__ = ["Barcode", "LabelSpec", "barcodes", "field_data", "impb_number", "render_pdf", "render_zpl"]
