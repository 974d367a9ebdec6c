"""OParl 1.1 (read only) for the published data of every municipality: ``/oparl/v1/system``."""
