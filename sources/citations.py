class Citations:
    """Numbers the sources a page cites, in the order the page first cites them.

    Templates cite with ``{% cite source %}`` (see templatetags/citations.py) and list
    ``citations.sources`` at the end, so the numbers follow the reading order.
    """

    def __init__(self):
        self._numbers = {}
        self.sources = []

    def number(self, source):
        if source.pk not in self._numbers:
            self.sources.append(source)
            self._numbers[source.pk] = len(self.sources)
        return self._numbers[source.pk]

    def __bool__(self):
        return bool(self.sources)
