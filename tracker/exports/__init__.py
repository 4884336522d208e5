"""CSV and XLSX downloads of the tracker's lists, honouring the URL's filters and the reader's permissions."""
