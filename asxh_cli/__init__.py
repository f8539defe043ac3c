"""asxh — reconcile Vietnamese social-welfare beneficiary lists with the population register."""

__version__ = "0.1.0"
