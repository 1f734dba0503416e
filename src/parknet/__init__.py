"""ParkNet: a coordination platform for China's national high-tech zones (国家高新区).

Implements the system proposed in 《国家高新区引领区域协同发展的构想》: diagnose polarization, build
"1+N" cooperation networks inside each province, attribute statistics under the incentive mechanism
(激励机制), share benefits fairly and allocate the enabling platforms (赋能机制).
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
